/**
 * Settings in the files the probes hand to ssh and nix that make those programs run a command
 * (or load code) on THIS machine (docs/dev/security.md#a-staged-root-is-data):
 * - ssh_config(5): `Match exec` (evaluated even by `ssh -G`), `ProxyCommand`, `LocalCommand`,
 *   `KnownHostsCommand`, `PKCS11Provider` and `SecurityKeyProvider` (load a shared library);
 *   in root's config, the system config and every file they Include (all Includes are followed,
 *   whatever Host/Match block they sit in: the reading errs on the side of finding one);
 * - NIX_SSHOPTS of the nix-daemon's plist (`-oProxyCommand=…`, `-o ProxyCommand=…`, `-I lib`,
 *   and the files `-F` names);
 * - nix.conf (and root's user nix.conf): `build-hook`, `pre-build-hook`, `post-build-hook`,
 *   `diff-hook`, `plugin-files`, `external-builders` (and `extra-…`), following `include` / `!include`.
 * Keywords are case-insensitive in ssh_config and take `Key value`, `Key=value` and `Key = value`.
 * A staged root (`--root`, `probes.root`) is a copy of another machine: data to read, not
 * configuration to execute, so the probes refuse to run ssh/nix on it when one of these is present
 * unless told `--trust-root`. On the real root they still run and say so in the evidence.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { RootPaths } from './rootPaths.js';
import { expandGlob, resolveIncludePath, type ConfigScope } from './sshConfig.js';

export type DirectiveOrigin = 'ssh-config' | 'nix-sshopts' | 'nix-conf';

export interface CommandDirective {
  /** As written in the file (`ProxyCommand`, `Match exec`, `post-build-hook`). */
  keyword: string;
  file: string;
  /** 1-based; 0 when the value is not in a line-oriented file position we know. */
  line: number;
  origin: DirectiveOrigin;
}

/** ssh_config keywords (lower case) that run a command or load a library; `none` disables most. */
const SSH_COMMAND_KEYWORDS: Record<string, string> = {
  proxycommand: 'ProxyCommand',
  localcommand: 'LocalCommand',
  knownhostscommand: 'KnownHostsCommand',
  pkcs11provider: 'PKCS11Provider',
  securitykeyprovider: 'SecurityKeyProvider',
};

/** Values that mean "do not run anything" (ssh_config(5)). */
function isInert(keyword: string, value: string): boolean {
  const v = value
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .toLowerCase();
  if (v === '') return true;
  if (keyword === 'securitykeyprovider') return v === 'internal' || v === '$ssh_sk_provider';
  return v === 'none';
}

/** Split an ssh_config line into keyword and the rest: `Key value`, `Key=value`, `Key = value`, `"Key" value`. */
export function splitSshLine(line: string): { keyword: string; value: string } | null {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return null;
  const m = /^"?([A-Za-z][A-Za-z0-9]*)"?(?:\s*=\s*|\s+|$)(.*)$/s.exec(text);
  if (!m) return null;
  return { keyword: (m[1] ?? '').toLowerCase(), value: m[2] ?? '' };
}

/** Words of a `Match` line, quotes removed (`exec "x y"` stays one word). */
function matchWords(value: string): string[] {
  return [...value.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => (m[1] ?? m[2] ?? '').toLowerCase());
}

/**
 * Whether a Match line has an `exec` criterion: criteria are words, each followed by its argument
 * (or joined to it by `=`), except `all`, `canonical` and `final` (ssh_config(5); `!` negates).
 */
function matchRunsExec(words: string[]): boolean {
  for (let i = 0; i < words.length; i++) {
    const criterion = (words[i] ?? '').replace(/^!/, '');
    const [name, joined] = criterion.split(/=(.*)/s);
    if (name === 'exec') return true;
    if (name === 'all' || name === 'canonical' || name === 'final' || joined !== undefined) continue;
    i++;
  }
  return false;
}

/** The command-running directives of one ssh_config text, with their 1-based lines. */
export function sshDirectivesIn(text: string): { keyword: string; line: number }[] {
  const found: { keyword: string; line: number }[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const parsed = splitSshLine(raw);
    if (parsed === null) return;
    if (parsed.keyword === 'match') {
      if (matchRunsExec(matchWords(parsed.value))) found.push({ keyword: 'Match exec', line: index + 1 });
      return;
    }
    const name = SSH_COMMAND_KEYWORDS[parsed.keyword];
    if (name !== undefined && !isInert(parsed.keyword, parsed.value))
      found.push({ keyword: name, line: index + 1 });
  });
  return found;
}

/** The Include arguments of one ssh_config text (every block: conditions are not evaluated). */
export function sshIncludesIn(text: string): string[] {
  const args: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const parsed = splitSshLine(raw);
    if (parsed?.keyword === 'include')
      args.push(...[...parsed.value.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? ''));
  }
  return args.filter((a) => a !== '');
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** Walk an ssh config and everything it Includes; report the directives of every file read. */
export function sshConfigDirectives(
  start: string,
  scope: ConfigScope,
  paths: RootPaths,
  seen = new Set<string>(),
): CommandDirective[] {
  const found: CommandDirective[] = [];
  const visit = (file: string, depth: number): void => {
    // OpenSSH stops at 16 levels of Include (READCONF_MAX_DEPTH).
    if (depth > 16 || seen.has(file)) return;
    seen.add(file);
    const text = readText(file);
    if (text === null) return;
    for (const d of sshDirectivesIn(text)) found.push({ ...d, file, origin: 'ssh-config' });
    for (const argument of sshIncludesIn(text)) {
      for (const included of expandGlob(resolveIncludePath(argument, scope, paths)))
        visit(included, depth + 1);
    }
  };
  visit(start, 0);
  return found;
}

/**
 * NIX_SSHOPTS as Nix splits it (on whitespace): `-o Key=value` / `-oKey=value` / `-oKey value`
 * options that run commands, `-I` (a PKCS#11 library), and the directives of any `-F` file.
 */
export function sshOptsDirectives(tokens: string[], source: string, paths: RootPaths): CommandDirective[] {
  const found: CommandDirective[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    // Nix splits NIX_SSHOPTS on whitespace, so an option and its value are one word: `Key=value`.
    const spec = token === '-o' ? tokens[i + 1] : token.startsWith('-o') ? token.slice(2) : undefined;
    if (spec !== undefined) {
      for (const d of sshDirectivesIn(spec))
        found.push({ keyword: d.keyword, file: source, line: 0, origin: 'nix-sshopts' });
      continue;
    }
    if (token === '-I' || (token.startsWith('-I') && token.length > 2))
      found.push({ keyword: '-I (PKCS11Provider)', file: source, line: 0, origin: 'nix-sshopts' });
    const configFile =
      token === '-F'
        ? tokens[i + 1]
        : token.startsWith('-F') && token.length > 2
          ? token.slice(2)
          : undefined;
    if (configFile !== undefined && isAbsolute(configFile))
      found.push(...sshConfigDirectives(configFile, 'user', paths));
  }
  return found;
}

/** nix.conf settings that run a program or load a plugin (Nix's `include`/`!include` followed). */
const NIX_COMMAND_SETTINGS = new Set([
  'build-hook',
  'pre-build-hook',
  'post-build-hook',
  'diff-hook',
  'plugin-files',
  // Nix runs each entry's `program` for builds (Determinate's native builder: determinate-nixd).
  'external-builders',
]);

export function nixConfDirectivesIn(text: string): { keyword: string; line: number; include?: string }[] {
  const found: { keyword: string; line: number; include?: string }[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    const include = /^!?include\s+(\S+)/.exec(line);
    if (include) {
      found.push({ keyword: 'include', line: index + 1, include: include[1] ?? '' });
      return;
    }
    const m = /^([A-Za-z0-9-]+)\s*=\s*(.*)$/.exec(line);
    if (!m) return;
    const name = (m[1] ?? '').replace(/^extra-/, '');
    if (NIX_COMMAND_SETTINGS.has(name) && (m[2] ?? '').trim() !== '')
      found.push({ keyword: m[1] ?? name, line: index + 1 });
  });
  return found;
}

export function nixConfDirectives(file: string, seen = new Set<string>()): CommandDirective[] {
  if (seen.has(file) || seen.size > 32) return [];
  seen.add(file);
  const text = readText(file);
  if (text === null) return [];
  const found: CommandDirective[] = [];
  for (const d of nixConfDirectivesIn(text)) {
    if (d.include !== undefined)
      found.push(
        ...nixConfDirectives(isAbsolute(d.include) ? d.include : join(dirname(file), d.include), seen),
      );
    else found.push({ keyword: d.keyword, line: d.line, file, origin: 'nix-conf' });
  }
  return found;
}

/** `ProxyCommand at /etc/ssh/ssh_config.d/x.conf:7` (NIX_SSHOPTS values have no line). */
export function describeDirective(d: CommandDirective): string {
  if (d.origin === 'nix-sshopts') return `${d.keyword} in NIX_SSHOPTS of ${d.file}`;
  return `${d.keyword} at ${d.file}:${d.line}`;
}

export interface RootDirectives {
  /** In the ssh configs root's ssh reads and in the daemon's NIX_SSHOPTS: ssh would run them. */
  ssh: CommandDirective[];
  /** In nix.conf: nix would run them. */
  nix: CommandDirective[];
}

/** Every directive in the files the probes' ssh and nix read under these paths. */
export function findCommandDirectives(paths: RootPaths, daemonSshOpts: string[]): RootDirectives {
  const seen = new Set<string>();
  const ssh = [
    ...sshConfigDirectives(paths.rootSshConfig, 'user', paths, seen),
    ...sshConfigDirectives(paths.sshSystemConfig, 'system', paths, seen),
    ...sshOptsDirectives(
      daemonSshOpts,
      paths.sys('/Library/LaunchDaemons/org.nixos.nix-daemon.plist'),
      paths,
    ),
  ];
  const nix = [
    ...nixConfDirectives(paths.nixConf),
    ...nixConfDirectives(join(paths.rootHome, '.config', 'nix', 'nix.conf')),
  ];
  return { ssh, nix };
}
