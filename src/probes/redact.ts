/**
 * Redaction of a probe report before it leaves for a bug report (`report`, `probe`, the server's
 * report request). Allow-list, field by field (docs/dev/security.md#secrets-in-the-report):
 * - argv: program names, plain flags, numbers, paths and `user@host` tokens stay; an ssh `-o`
 *   option keeps its value only when the option is on SAFE_VALUE_OPTIONS (hostname, port, user,
 *   identityfile, …); a known option name stays with its value hidden; everything else, and the
 *   words that follow a hidden value (NIX_SSHOPTS is split on whitespace), is `[hidden]`;
 * - stderr: a line stays only when it is a message ssh, sudo or Nix is known to print, and even
 *   then a quoted part that holds spaces or `=` (a config line Nix quotes) is hidden;
 * - every text: private key blocks, long base64 runs, passwords in URIs, the rows Nix quotes in
 *   its machines and nix.conf errors, and home folders (whole path components only: `/root` is
 *   not touched inside `/x/roots/y`) are removed; what was hidden in argv or stderr is hidden
 *   wherever else it is echoed (a summary quoting ssh's last line).
 * The probes themselves never record the values of the ssh options that run commands or pass
 * environment (describeSshSetting), so those stay out even with `--no-redact`.
 */
import { shellQuote } from '../protocol/shellText.js';
import { homedir } from 'node:os';
import type { Evidence, ProbeFix, ProbeReport, ProbeResult, Verdict } from '../protocol/probes.js';
import { classifyStderr } from './stderrClassifier.js';

export const HIDDEN = '[hidden]';
const BASE64_HIDDEN = '[base64 hidden]';
const KEY_REMOVED = '[private key removed]';

/**
 * Whether redaction put one of its marks in `text`: a fix command holding one does not run as
 * shown (a `--store` URI with parameters is hidden whole, as an argument that is not on the
 * allow-list), so whoever prints it must say where the whole command is.
 */
export function holdsRedaction(text: string): boolean {
  return text.includes(HIDDEN) || text.includes(BASE64_HIDDEN) || text.includes(KEY_REMOVED);
}

/** ssh options whose values say nothing secret: host names, ports, user names, file paths, switches. */
const SAFE_VALUE_OPTIONS = new Set([
  'hostname',
  'port',
  'user',
  'hostkeyalias',
  'identityfile',
  'identitiesonly',
  'certificatefile',
  'userknownhostsfile',
  'globalknownhostsfile',
  'stricthostkeychecking',
  'batchmode',
  'connecttimeout',
  'connectionattempts',
  'serveraliveinterval',
  'serveralivecountmax',
  'loglevel',
  'compression',
  'addressfamily',
  'checkhostip',
  'updatehostkeys',
  'hashknownhosts',
  'forwardagent',
  'forwardx11',
  'requesttty',
  'tcpkeepalive',
  'pubkeyauthentication',
  'passwordauthentication',
  'kbdinteractiveauthentication',
  'preferredauthentications',
  'numberofpasswordprompts',
  'canonicalizehostname',
  'visualhostkey',
  'hostkeyalgorithms',
  'pubkeyacceptedalgorithms',
  'pubkeyacceptedkeytypes',
  'kexalgorithms',
  'ciphers',
  'macs',
  'ipqos',
  'rekeylimit',
  'proxyjump',
  'controlmaster',
  'controlpersist',
  'exitonforwardfailure',
  'clearallforwardings',
  'include',
]);

/** Options named in reports without their value: they run commands, pass environment, or forward. */
const KNOWN_HIDDEN_OPTIONS = new Set([
  'proxycommand',
  'localcommand',
  'permitlocalcommand',
  'knownhostscommand',
  'remotecommand',
  'setenv',
  'sendenv',
  'pkcs11provider',
  'securitykeyprovider',
  'identityagent',
  'localforward',
  'remoteforward',
  'dynamicforward',
  'match',
  'tag',
  'xauthlocation',
  'controlpath',
  'proxyusefdpass',
  'bindaddress',
  'bindinterface',
  'escapechar',
  'streamlocalbindmask',
  'hostbasedauthentication',
  'gssapiauthentication',
]);

/** A word with no spaces, quotes, `=` or shell syntax: a name, a number, a path, `user@host:port`. */
const SIMPLE = /^[A-Za-z0-9_@%+.,:/~[\]-]{0,300}$/;
const SIMPLE_FLAG = /^(--?[A-Za-z][A-Za-z0-9-]*|--|-p\d+)$/;
/** The test build's own expression (testBuild.ts), whole: system double and a UUID nonce. */
const OUR_EXPRESSION =
  /^derivation \{ name = "linux-builder-doctor-test"; system = "[a-z0-9_]+-[a-z0-9_]+"; builder = "\/bin\/sh"; args = \[ "-c" "[^"\\]*(\\"[^"\\]*)*" \]; nonce = "[0-9a-f-]{36}"; \}$/;

/** `Key value` as shown in evidence: the value only when the option is known to be harmless. */
export function describeSshSetting(key: string, value: string): string {
  const lower = key.toLowerCase();
  if (SAFE_VALUE_OPTIONS.has(lower) && SIMPLE.test(value.replace(/ /g, ''))) return `${key} ${value}`;
  return `${key} (set, value not shown)`;
}

/** One ssh `-o` argument: `Key=value` or `Key value`. */
function redactSshOption(spec: string): { text: string; hidden: boolean } {
  const m = /^([A-Za-z][A-Za-z0-9]*)(\s*=\s*|\s+)?(.*)$/s.exec(spec);
  const key = m?.[1] ?? '';
  const lower = key.toLowerCase();
  const value = m?.[3] ?? '';
  if (SAFE_VALUE_OPTIONS.has(lower) && SIMPLE.test(value)) return { text: spec, hidden: false };
  if (SAFE_VALUE_OPTIONS.has(lower) || KNOWN_HIDDEN_OPTIONS.has(lower))
    return { text: `${key}=${HIDDEN}`, hidden: true };
  return { text: HIDDEN, hidden: true };
}

export interface Replacements {
  /** raw text → what is shown instead, applied to every other text field of the report. */
  map: Map<string, string>;
}

function remember(replacements: Replacements | undefined, raw: string, shown: string, minLength = 4): void {
  if (replacements !== undefined && raw.length >= minLength && raw !== shown)
    replacements.map.set(raw, shown);
}

/** argv by allow-list, token by token (the module comment says which tokens stay). */
export function redactArgv(argv: string[], home: string = homedir(), replacements?: Replacements): string[] {
  const out: string[] = [];
  let hiding = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-o' && i + 1 < argv.length) {
      const spec = argv[++i] ?? '';
      const r = redactSshOption(spec);
      out.push('-o', r.text);
      remember(replacements, spec, r.text);
      hiding = r.hidden;
      continue;
    }
    if (/^-o[A-Za-z]/.test(arg)) {
      const r = redactSshOption(arg.slice(2));
      out.push(`-o${r.text}`);
      remember(replacements, arg, `-o${r.text}`);
      remember(replacements, arg.slice(2), r.text);
      hiding = r.hidden;
      continue;
    }
    if (arg.startsWith('-')) {
      hiding = false;
      const shown = SIMPLE_FLAG.test(arg) ? arg : HIDDEN;
      remember(replacements, arg, shown);
      out.push(shown);
      continue;
    }
    if (!hiding && (SIMPLE.test(arg) || OUR_EXPRESSION.test(arg))) {
      out.push(redactText(arg, home));
      continue;
    }
    remember(replacements, arg, HIDDEN);
    out.push(HIDDEN);
  }
  return out;
}

/** Lines ssh, sudo and Nix print that a report may keep (quoted parts are still checked). */
const KNOWN_LINES: RegExp[] = [
  /^(ssh|sudo|ssh-keyscan|nix|nix-build|nix-store|error|warning|Warning|fatal): /,
  /^(no such identity|Load key|Bad owner or permissions|Permission denied|Host key verification failed|kex_exchange_identification|Connection (closed|reset|timed out|refused)|Received disconnect|Disconnected from|Too many authentication failures|Could not resolve hostname|Authenticated to|Transferred:|Bytes per second:|Killed by signal)/,
  /^(@+|IT IS POSSIBLE|Someone could be|It is also possible|The fingerprint for|SHA256:|Please contact|Add correct host key|Offending |Matching host key|Host key for|No [A-Z0-9-]+ host key is known|[A-Z0-9-]+ host key for|Password authentication is disabled|Keyboard-interactive authentication is disabled|UNPROTECTED PRIVATE KEY FILE|Permissions 0\d+ for|It is required that your private key|This private key will be ignored)/,
  /^\S+:? line \d+: (Bad configuration option|no argument after keyword|keyword \S+ extra arguments|Unsupported option|Deprecated option|garbage at end of line|missing argument|[Bb]ad |[Ii]nvalid |[Uu]nknown |[Mm]issing )/,
  /^\S+: terminating, \d+ bad configuration options$/,
  /^(building|copying|querying|these \d+ |this (derivation|path)|will be built|will be fetched|checking|trying|waiting|unpacking|downloading|(\s*)\/nix\/store\/|\s+… |\s+at |\s+\(use '--show-trace')/,
  /^(Linux version|nix \(.*\) \d|Pseudo-terminal|Try '[a-z -]+' for more information)/,
  // `nix store ping` / `nix store info`.
  /^(Store URL|Version|Trusted|Protocol version): /,
];

function scrubQuotes(line: string): string {
  return line.replace(
    /'([^'\n]*)'|"([^"\n]*)"/g,
    (whole: string, single: string | undefined, double: string | undefined) => {
      const inner = single ?? double ?? '';
      if (SIMPLE.test(inner)) return whole;
      const q = single !== undefined ? "'" : '"';
      return `${q}${HIDDEN}${q}`;
    },
  );
}

/** stderr by allow-list of lines; runs of unknown lines become one `[N lines hidden …]`. */
export function redactStderr(stderr: string, home: string = homedir(), replacements?: Replacements): string {
  const out: string[] = [];
  let hiddenRun = 0;
  const flush = (): void => {
    if (hiddenRun > 0)
      out.push(
        `[${hiddenRun} line${hiddenRun === 1 ? '' : 's'} hidden: not a message the doctor knows to be safe to share]`,
      );
    hiddenRun = 0;
  };
  for (const raw of stderr.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.trim() === '…') {
      flush();
      out.push(line);
      continue;
    }
    const trimmed = line.replace(/^…/, '');
    // A line the cause catalogue knows (stderrClassifier.ts) is ssh's, sudo's or Nix's own words.
    if (!KNOWN_LINES.some((re) => re.test(trimmed)) && classifyStderr(trimmed) === null) {
      hiddenRun++;
      remember(replacements, line.trim(), HIDDEN, 8);
      continue;
    }
    flush();
    const shown = scrubQuotes(line);
    remember(replacements, line.trim(), shown.trim(), 8);
    out.push(redactText(shown, home));
  }
  flush();
  return out.join('\n');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const PATH_CHAR_BEFORE = '(?<![A-Za-z0-9._~/-])';
const PATH_CHAR_AFTER = '(?![A-Za-z0-9._~-])';

/**
 * Home folders: the user's own becomes `~`, another user's `/Users/[user]` (the name is personal).
 * Only whole path components match, so `/root` inside `/x/roots/y` or `/rootfs` stays.
 */
export function redactHomes(text: string, home: string = homedir()): string {
  let out = text;
  if (home.length > 1 && home !== '/') {
    const own = home.replace(/\/+$/, '');
    out = out.replace(new RegExp(`${PATH_CHAR_BEFORE}${escapeRegExp(own)}${PATH_CHAR_AFTER}`, 'g'), '~');
  }
  out = out.replace(
    new RegExp(`${PATH_CHAR_BEFORE}/(Users|home)/(?!Shared${PATH_CHAR_AFTER})([^/\\s'"\`;,:)]+)`, 'g'),
    '/$1/[user]',
  );
  // `~alice/…` names another user's home by name.
  out = out.replace(/(?<![A-Za-z0-9._~/-])~([a-z_][A-Za-z0-9._-]*)(?=\/)/g, '~[user]');
  return out;
}

/**
 * A fix command names paths under the user's home as shellQuote writes them
 * (`'/Users/me/.ssh/my key'`); redacting the home inside the quotes would give `'~/.ssh/my key'`,
 * which the shell does not expand, and the printed command would no longer paste. So each word
 * that holds the home is decoded and written again with the home outside the quotes: `~` at the
 * start of a word, `"$HOME"` inside one (`-oFile=…`: no tilde expansion there, POSIX sh
 * "Tilde Expansion"). A word the decoder does not fully understand is left for redactHomes.
 */
function moveHomeOutOfQuotes(command: string, home: string): string {
  const own = home.replace(/\/+$/, '');
  if (own.length === 0 || !command.includes(own)) return command;
  return command.replace(/(?:[^\s'"\\]+|'[^']*'|\\.)+/g, (word) => {
    if (!word.includes(own)) return word;
    const value = decodeShellWord(word);
    return value === undefined ? word : encodeWithHome(value, own);
  });
}

/** A word of `'…'`, `\x` and plain characters without expansions; undefined for anything else. */
function decodeShellWord(word: string): string | undefined {
  let out = '';
  for (const part of word.match(/'[^']*'|\\.|[^'\\]+/g) ?? []) {
    if (part.startsWith("'")) out += part.slice(1, -1);
    else if (part.startsWith('\\')) out += part.slice(1);
    else if (/[$`"*?[\]{}~!&|;<>()]/.test(part)) return undefined;
    else out += part;
  }
  return out;
}

function encodeWithHome(value: string, own: string): string {
  const [first = '', ...afterHome] = value.split(
    new RegExp(`${PATH_CHAR_BEFORE}${escapeRegExp(own)}(?=/|$)`),
  );
  let out = first === '' ? '' : shellQuote(first);
  for (const piece of afterHome) {
    // The slash stays unquoted: a quoted one would end the tilde-prefix inside quotes.
    const rest = piece.slice(1);
    out += `${out === '' ? '~' : '"$HOME"'}${piece.startsWith('/') ? '/' : ''}${rest === '' ? '' : shellQuote(rest)}`;
  }
  return out;
}

const PATH_WORDS = new Set([
  'etc',
  'var',
  'root',
  'nix',
  'tmp',
  'Users',
  'home',
  'Library',
  'ssh',
  'usr',
  'bin',
  'store',
  'private',
  'opt',
  'macs',
  'LaunchDaemons',
  'local',
  'run',
  'lib',
]);

function isPathLike(run: string): boolean {
  return run.includes('/') && run.split('/').some((segment) => PATH_WORDS.has(segment));
}

/** What every text field of a report goes through. */
export function redactText(text: string, home: string = homedir()): string {
  let out = text.replace(
    /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
    KEY_REMOVED,
  );
  // The rows Nix (and machinesFile.ts, in Nix's words) quote in their errors.
  out = out.replace(
    /(in a row: |illegal configuration line |configuration line )'[^'\n]*'/g,
    `$1'${HIDDEN}'`,
  );
  out = out.replace(/'[^'\n]*' is not valid base64/g, `'${HIDDEN}' is not valid base64`);
  // Passwords in URIs (`ssh-ng://user:password@host`), with or without the scheme.
  out = out.replace(/([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/@\s:'"]*):[^@\s/'"]*@/g, `$1:${HIDDEN}@`);
  out = out.replace(/(^|[\s'"(,=;])([A-Za-z0-9_.-]+):[^@\s/:'"]+@(?=[A-Za-z0-9[])/g, `$1$2:${HIDDEN}@`);
  // ssh takes `user:password` from such a URI as the user name (`ssh -G` prints `user u:pw`).
  out = out.replace(/(\buser )([A-Za-z0-9_.-]+):[^\s,;'"]+/g, `$1$2:${HIDDEN}`);
  // Key material or tokens pasted where text is echoed (a private key body, an access token).
  // A path is not key material: a run with a folder name every Mac has (a store path's hash is
  // lower-case base32 and never mixes cases).
  // ssh lower-cases a keyword it echoes, so a run of letters and digits counts even in one case.
  out = out.replace(/(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{36,}={0,2}/g, (run) =>
    isPathLike(run) ||
    !((/[0-9]/.test(run) && /[A-Za-z]/.test(run)) || (/[A-Z]/.test(run) && /[a-z]/.test(run)))
      ? run
      : BASE64_HIDDEN,
  );
  return redactHomes(out, home);
}

function applyReplacements(text: string, replacements: Replacements): string {
  if (replacements.map.size === 0) return text;
  let out = text;
  for (const [raw, shown] of [...replacements.map.entries()].sort((a, b) => b[0].length - a[0].length)) {
    if (out.includes(raw)) out = out.split(raw).join(shown);
  }
  return out;
}

/** The whole report, redacted field by field; the input is not changed. */
export function redactReport(report: ProbeReport, home: string = homedir()): ProbeReport {
  const replacements: Replacements = { map: new Map() };
  const allEvidence = [...report.results.flatMap((r) => r.evidence), ...(report.verdict.evidence ?? [])];
  // First pass: learn what argv and stderr hide, so the same text is hidden where it is echoed.
  for (const e of allEvidence) {
    if (e.argv) redactArgv(e.argv, home, replacements);
    if (e.stderr !== undefined) redactStderr(e.stderr, home, replacements);
  }
  const text = (value: string): string => redactText(applyReplacements(value, replacements), home);
  const evidence = (e: Evidence): Evidence => {
    const out: Evidence = {};
    if (e.argv) out.argv = redactArgv(e.argv, home);
    if (e.exitCode !== undefined) out.exitCode = e.exitCode;
    if (e.stderr !== undefined) out.stderr = redactStderr(e.stderr, home);
    if (e.file !== undefined) out.file = text(e.file);
    if (e.detail !== undefined) out.detail = text(e.detail);
    return out;
  };
  const command = (value: string): string => text(moveHomeOutOfQuotes(value, home));
  const fix = (f: ProbeFix): ProbeFix => ({
    summary: text(f.summary),
    ...(f.commands ? { commands: f.commands.map(command) } : {}),
    ...(f.docs !== undefined ? { docs: f.docs } : {}),
  });
  const result = (r: ProbeResult): ProbeResult => ({
    ...r,
    summary: text(r.summary),
    evidence: r.evidence.map(evidence),
    ...(r.fix ? { fix: fix(r.fix) } : {}),
  });
  const verdict: Verdict = {
    ...report.verdict,
    summary: text(report.verdict.summary),
    ...(report.verdict.fix ? { fix: fix(report.verdict.fix) } : {}),
    ...(report.verdict.evidence ? { evidence: report.verdict.evidence.map(evidence) } : {}),
  };
  return {
    platform: text(report.platform),
    nixVersion: report.nixVersion === null ? null : text(report.nixVersion),
    results: report.results.map(result),
    verdict,
  };
}
