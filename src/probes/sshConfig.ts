/**
 * Which ssh_config files root's ssh actually reads, and whether the builder's Host block is among
 * them (docs/dev/domain.md#how-nix-connects-to-a-remote-builder: `/etc/ssh/ssh_config.d/*.conf` only counts when `/etc/ssh/ssh_config` has an
 * Include covering it; for each parameter the first value wins: command line, then the user's
 * config, then the system config). Files are parsed with the `ssh-config` package.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import SSHConfig from 'ssh-config';
import type { RootPaths } from './rootPaths.js';
import { writeWhole } from './stableFiles.js';

type ParsedLine = ReturnType<typeof SSHConfig.parse>[number];

function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v: { val: string }) => v.val).join(' ');
  return '';
}

function valueList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter((s) => s !== '');
  if (Array.isArray(value)) return value.map((v: { val: string }) => v.val);
  return [];
}

/** OpenSSH pattern matching (`*`, `?`, `!negation`, comma or space lists), case-insensitive. */
export function hostMatches(patterns: string[], host: string): boolean {
  let positive = false;
  for (const raw of patterns.flatMap((p) => p.split(','))) {
    if (raw === '') continue;
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    const regex = new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      'i',
    );
    if (regex.test(host)) {
      if (negated) return false;
      positive = true;
    }
  }
  return positive;
}

/** Expand a glob (wildcards in any path segment), sorted like glob(3). */
export function expandGlob(pattern: string): string[] {
  if (!/[*?[]/.test(pattern)) return existsSync(pattern) ? [pattern] : [];
  const parts = pattern.split('/');
  let bases = [parts[0] === '' ? '/' : (parts[0] ?? '')];
  for (const segment of parts.slice(1)) {
    if (segment === '') continue;
    const next: string[] = [];
    for (const base of bases) {
      if (!/[*?[]/.test(segment)) {
        const candidate = join(base, segment);
        if (existsSync(candidate)) next.push(candidate);
        continue;
      }
      const regex = new RegExp(
        `^${segment
          .replace(/[.+^${}()|\\]/g, '\\$&')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]')}$`,
      );
      let names: string[] = [];
      try {
        names = readdirSync(base);
      } catch {
        /* unreadable or missing: no match, as in glob(3) */
      }
      for (const name of names.sort())
        if (!name.startsWith('.') && regex.test(name)) next.push(join(base, name));
    }
    bases = next;
  }
  return bases;
}

export type ConfigScope = 'user' | 'system';

/**
 * Resolve an Include argument as OpenSSH does: `~` is the (staged) home of root; a relative path is
 * relative to ~/.ssh in a user config and to /etc/ssh in the system config (ssh_config(5)).
 */
export function resolveIncludePath(argument: string, scope: ConfigScope, paths: RootPaths): string {
  if (argument.startsWith('~/')) return join(paths.rootHome, argument.slice(2));
  if (isAbsolute(argument)) return argument;
  return join(scope === 'user' ? join(paths.rootHome, '.ssh') : paths.sshSystemDir, argument);
}

export interface IncludeLine {
  file: string;
  argument: string;
  resolved: string;
  matched: string[];
  /** Include inside a Host/Match block applies only when that block applies. */
  conditional: boolean;
}

export interface HostBlock {
  file: string;
  patterns: string[];
  /** Parameters set in the block (lower-case names), first value. */
  settings: Record<string, string>;
}

export interface ConfigReading {
  /** Files OpenSSH reads for this host, in reading order (user config chain, then system chain). */
  filesRead: string[];
  includes: IncludeLine[];
  /** Host blocks matching the host in the files that are read. */
  blocksRead: HostBlock[];
  /** Host blocks matching the host in ssh_config.d that no read file includes. */
  blocksUnread: HostBlock[];
  systemConfigExists: boolean;
  userConfigExists: boolean;
  /** Whether the system config has any Include that reaches into ssh_config.d. */
  systemIncludesDropIns: boolean;
}

function readParsed(file: string): ParsedLine[] | null {
  try {
    return SSHConfig.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function hostBlocksIn(file: string, lines: ParsedLine[], host: string): HostBlock[] {
  const blocks: HostBlock[] = [];
  for (const line of lines) {
    if (line.type !== SSHConfig.DIRECTIVE || !('config' in line)) continue;
    if (line.param.toLowerCase() !== 'host') continue;
    const patterns = valueList(line.value);
    // `Host *` holds defaults for every host (Debian's and macOS's ssh_config have one); only a
    // block naming the builder can be "its" Host block.
    if (patterns.every((p) => p.split(',').every((q) => q === '*' || q.startsWith('!')))) continue;
    if (!hostMatches(patterns, host)) continue;
    const settings: Record<string, string> = {};
    for (const inner of line.config) {
      if (inner.type !== SSHConfig.DIRECTIVE) continue;
      const key = inner.param.toLowerCase();
      if (!(key in settings)) settings[key] = valueText(inner.value);
    }
    blocks.push({ file, patterns, settings });
  }
  return blocks;
}

/** Walk root's config chain for `host` the way OpenSSH does, recording what is read. */
export function readConfigChain(paths: RootPaths, host: string): ConfigReading {
  const filesRead: string[] = [];
  const includes: IncludeLine[] = [];
  const blocksRead: HostBlock[] = [];
  const visit = (file: string, scope: ConfigScope, depth: number): void => {
    if (depth > 16 || filesRead.includes(file)) return;
    const lines = readParsed(file);
    if (lines === null) return;
    filesRead.push(file);
    blocksRead.push(...hostBlocksIn(file, lines, host));
    const walk = (list: ParsedLine[], conditional: boolean, applies: boolean): void => {
      for (const line of list) {
        if (line.type !== SSHConfig.DIRECTIVE) continue;
        if ('config' in line) {
          const isHost = line.param.toLowerCase() === 'host';
          // Match blocks are not evaluated here; an Include in one is treated as applying.
          walk(line.config, true, isHost ? hostMatches(valueList(line.value), host) : true);
          continue;
        }
        if (line.param.toLowerCase() !== 'include') continue;
        for (const argument of valueList(line.value)) {
          const resolved = resolveIncludePath(argument, scope, paths);
          const matched = expandGlob(resolved);
          includes.push({ file, argument, resolved, matched, conditional });
          if (applies) for (const m of matched) visit(m, scope, depth + 1);
        }
      }
    };
    walk(lines, false, true);
  };
  const userConfigExists = existsSync(paths.rootSshConfig);
  const systemConfigExists = existsSync(paths.sshSystemConfig);
  visit(paths.rootSshConfig, 'user', 0);
  const userFiles = filesRead.length;
  visit(paths.sshSystemConfig, 'system', 0);
  const systemIncludesDropIns = includes.some(
    (inc) =>
      filesRead.indexOf(inc.file) >= userFiles &&
      (inc.resolved.startsWith(`${paths.sshDropInDir}/`) || inc.resolved === paths.sshDropInDir),
  );
  const blocksUnread: HostBlock[] = [];
  let dropIns: string[] = [];
  try {
    dropIns = readdirSync(paths.sshDropInDir)
      .sort()
      .map((n) => join(paths.sshDropInDir, n));
  } catch {
    /* no drop-in dir */
  }
  for (const file of dropIns) {
    if (filesRead.includes(file)) continue;
    const lines = readParsed(file);
    if (lines !== null) blocksUnread.push(...hostBlocksIn(file, lines, host));
  }
  return {
    filesRead,
    includes,
    blocksRead,
    blocksUnread,
    systemConfigExists,
    userConfigExists,
    systemIncludesDropIns,
  };
}

/** A copy of a config file whose relative and `~` Include paths are made absolute (staged root). */
function rewriteIncludes(text: string, scope: ConfigScope, paths: RootPaths): string {
  return text
    .split('\n')
    .map((line) => {
      const m = /^(\s*include)(\s+|\s*=\s*)(.*)$/i.exec(line);
      if (!m) return line;
      const args = (m[3] ?? '')
        .trim()
        .split(/\s+/)
        .map((a) => resolveIncludePath(a.replace(/^"|"$/g, ''), scope, paths));
      return `${m[1] ?? 'Include'} ${args.join(' ')}`;
    })
    .join('\n');
}

/**
 * For `--root DIR`: write an ssh config that makes `ssh -F <it>` read what root's ssh would read
 * on the staged machine, in OpenSSH's order — root's user config first, then the system config
 * (each through a copy whose relative/`~` Includes point into DIR; an Include's active-block
 * state is restored after each included file, so two top-level Includes behave like the two
 * files read one after the other). The closing `Host *` block supplies the staged known_hosts
 * files as OpenSSH's built-in defaults would: first value wins, so any setting in the staged
 * files, and Nix's -oUserKnownHostsFile on the command line, still take precedence.
 * Limits: -F makes every file a "user" file, so a relative Include nested two levels deep
 * resolves against the real ~/.ssh; default IdentityFiles are the real root's.
 */
export function writeRootedSshConfig(paths: RootPaths, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const lines = ["# Generated by linux-builder-doctor for --root: root's config, then the system config."];
  const copy = (source: string, scope: ConfigScope): void => {
    let text: string;
    try {
      text = readFileSync(source, 'utf8');
    } catch {
      return;
    }
    const target = join(dir, `${scope}-${basename(dirname(source))}-${basename(source)}`);
    writeWhole(target, `# copy of ${source}\n${rewriteIncludes(text, scope, paths)}\n`);
    lines.push(`Include ${target}`);
  };
  copy(paths.rootSshConfig, 'user');
  copy(paths.sshSystemConfig, 'system');
  lines.push(
    'Host *',
    `  UserKnownHostsFile ${paths.rootKnownHosts} ${paths.rootKnownHosts}2`,
    `  GlobalKnownHostsFile ${paths.globalKnownHosts} ${paths.globalKnownHosts}2`,
    '',
  );
  const file = join(dir, 'ssh_config');
  writeWhole(file, lines.join('\n'));
  return file;
}
