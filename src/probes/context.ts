/**
 * What one probe run shares between its probes: options, the (staged) system paths, the commands
 * runner bounded by the run's deadline and abort signal, and the facts earlier probes found.
 * One instance per run (no module-level state).
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { CauseId, Evidence, ProbeFix, ProbeId, ProbeResult, ProbeStatus } from '../protocol/probes.js';
import {
  describeDirective,
  findCommandDirectives,
  type CommandDirective,
  type RootDirectives,
} from './commandDirectives.js';
import { printable, shellCommandOrUndefined } from '../protocol/shellText.js';
import { runCommand, type CommandResult } from './exec.js';
import type { ExternalBuilder } from './externalBuilders.js';
import type { MachineEntry, MachinesParse } from './machinesFile.js';
import { rootPaths, type RootPaths } from './rootPaths.js';
import { SharedSsh } from './sharedSsh.js';
import { contentHash, pruneStale, stableSubdir, writeWhole } from './stableFiles.js';
import { writeRootedSshConfig, type ConfigReading } from './sshConfig.js';

export interface ProbeOutcome {
  status: ProbeStatus;
  summary: string;
  evidence: Evidence[];
  fix?: ProbeFix;
  cause?: CauseId;
}

/**
 * Commands a probe runs before it may decide anything: once the probes in `after` have finished
 * (start() sees their facts and results only), so they run alongside the ones its `requires` or
 * `after` still wait for. Only for work whose commands need none of what those probes find, just
 * their verdict: run() then receives what start() resolved to (once its commands are done) and
 * decides as it would have; when the probe is not run after all (something it requires failed),
 * the commands are cancelled through `signal` and waited for. start() resolving to undefined (or
 * throwing) leaves the work to run().
 */
export interface EarlyStart<Early> {
  after: ProbeId[];
  start(ctx: ProbeContext, signal: AbortSignal): Promise<Early | undefined>;
}

export interface ProbeDefinition<Early = unknown> {
  id: ProbeId;
  title: string;
  /**
   * What it checks, and the verdicts it typically leads to, one line of Markdown each: its row in
   * README.md's probe table, which scripts/build.mjs generates from these (src/cli/generatedDocs.ts).
   */
  checks: string;
  verdicts: string;
  /** Must have run and not failed; otherwise this probe is skipped, naming the one that failed. */
  requires: ProbeId[];
  /** Run after these (their facts are used when present) but run even if they failed. */
  after?: ProbeId[];
  /** Not part of a default run, only when selected (`--only`): the test build takes seconds. */
  onlyWhenAsked?: boolean;
  /** Commands started ahead of `requires`/`after` (EarlyStart); run() gets what they returned. */
  early?: EarlyStart<Early>;
  run(ctx: ProbeContext, early?: Early): Promise<ProbeOutcome>;
}

/** The builder the chain is checked for: a machines entry, or a host given with --builder. */
export interface BuilderTarget {
  uri: string;
  scheme: string;
  user?: string;
  host: string;
  port?: number;
  sshKey?: string;
  publicHostKey?: string;
  systems: string[];
  /** Where it came from, for evidence ("/etc/nix/machines line 1"). */
  source: string;
  entry?: MachineEntry;
}

/** The values `ssh -G` prints that matter here. */
export interface EffectiveSsh {
  user: string;
  hostname: string;
  port: number;
  hostkeyalias?: string;
  identityfiles: string[];
  /** How ssh reaches the host when not directly: 'a ProxyCommand' or 'ProxyJump <hosts>' (never the command). */
  proxy?: string;
  userknownhostsfiles: string[];
  globalknownhostsfiles: string[];
}

export interface BuildersSetting {
  value: string;
  /** The machines file named by `@file`, if any. */
  file?: string;
  source: string;
}

export interface Facts {
  platform?: string;
  nixVersion?: string;
  builders?: BuildersSetting;
  /** Builders Nix runs as programs (`external-builders`), e.g. Determinate's native Linux builder. */
  externalBuilders?: ExternalBuilder[];
  machines?: MachinesParse;
  target?: BuilderTarget;
  otherTargets: BuilderTarget[];
  reading?: ConfigReading;
  effective?: EffectiveSsh;
  addresses?: string[];
  /** True when the builder is nix-darwin's (launchd service present or its plist staged). */
  nixDarwinBuilder?: boolean;
  /** How long the builder took to send its SSH banner, when that was longer than ssh's usual ConnectTimeout. */
  bannerMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 3000;
/** Abort reasons of a run's signal. */
export const DEADLINE = 'deadline';
export const CANCELLED = 'cancelled';
export const DEFAULT_SSH_TIMEOUT_MS = 8000;

/** ssh's ConnectTimeout (seconds) and our bound for it: more for a builder whose banner came late. */
export function sshTimeouts(facts: Facts): { connectTimeoutS: number; commandMs: number } {
  const slow = facts.bannerMs ?? 0;
  const connectTimeoutS = Math.max(Math.ceil(DEFAULT_CONNECT_TIMEOUT_MS / 1000), Math.ceil(slow / 1000) + 3);
  return { connectTimeoutS, commandMs: DEFAULT_SSH_TIMEOUT_MS + slow };
}

export interface ContextOptions {
  root?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  signal?: AbortSignal | undefined;
  deadline: number;
  builderHost?: string | undefined;
  /** Run ssh/nix on a staged root even when its files would make them run commands (`--trust-root`). */
  trustRoot?: boolean | undefined;
  /** Resolve host names in a child process only (ProbeRunOptions.lookupNamesInChild). */
  lookupNamesInChild?: boolean | undefined;
}

const NIX_PROGRAMS = new Set([
  'nix',
  'nix-build',
  'nix-store',
  'nix-instantiate',
  'nix-shell',
  'nix-copy-closure',
  'nix-daemon',
]);

/** Whether a nix command connects to a builder (then NIX_SSHOPTS and the ssh config are used). */
function nixConnects(program: string, argv: string[]): boolean {
  return program !== 'nix' || argv.includes('ping') || argv.some((a) => /^ssh(-ng)?:\/\//.test(a));
}

/** The one message for every refused command: which directive, where, and how to override. */
export function refusalMessage(program: string, directives: CommandDirective[]): string {
  const listed = directives.slice(0, 3).map(describeDirective).join('; ');
  const more = directives.length > 3 ? ` and ${directives.length - 3} more` : '';
  return (
    `${program} was not run on the staged root: ${listed}${more} would run a command on this machine. ` +
    'A staged copy is read as data, not executed; pass --trust-root (VS Code: linuxBuilderDoctor.probes.trustRoot) only if you trust these files'
  );
}

export class ProbeContext {
  readonly paths: RootPaths;
  readonly env: NodeJS.ProcessEnv;
  readonly signal: AbortSignal | undefined;
  readonly deadline: number;
  readonly builderHost: string | undefined;
  readonly facts: Facts = { otherTargets: [] };
  readonly results = new Map<ProbeId, ProbeResult>();
  /** Commands that need root's view go through `sudo -n` unless we are root or a root dir is staged. */
  readonly needsSudo: boolean;
  readonly trustRoot: boolean;
  /** Host names are resolved in a child process only (nameLookup.ts), for a process that must end. */
  readonly lookupNamesInChild: boolean;
  /** Messages of the commands refused on a staged root (refusalFor), in the order they happened. */
  readonly refusals = new Set<string>();
  /** The probes this run runs (the engine sets it): work for a probe not run is not started. */
  selected: ReadonlySet<ProbeId> = new Set<ProbeId>();
  private directivesFound: RootDirectives | undefined;
  private rootedConfig: string | undefined;
  private daemonOpts: string[] | undefined;
  /** The pinned known_hosts files this run wrote, by content (pinnedKnownHosts). */
  private readonly pinnedFiles = new Map<string, string>();
  /** The run's one SSH connection to the builder (sharedSsh.ts), closed by closeSharedSsh(). */
  private readonly sharedSsh: SharedSsh;

  constructor(options: ContextOptions) {
    this.env = options.env ?? process.env;
    this.paths = rootPaths(options.root, this.env);
    this.signal = options.signal;
    this.deadline = options.deadline;
    this.builderHost = options.builderHost;
    this.needsSudo = options.root === undefined && process.getuid?.() !== 0;
    this.trustRoot = options.trustRoot === true;
    this.lookupNamesInChild = options.lookupNamesInChild === true;
    this.sharedSsh = new SharedSsh(this.env, (argv) => this.asRoot(argv));
  }

  /** The settings in the (staged or real) files that make ssh or nix run commands (commandDirectives.ts). */
  commandDirectives(): RootDirectives {
    this.directivesFound ??= findCommandDirectives(this.paths, this.daemonSshOpts());
    return this.directivesFound;
  }

  /** Why this command may not run: ssh/nix on an untrusted staged root whose files run commands. */
  refusalFor(argv: string[]): string | undefined {
    if (this.paths.stagedRoot === undefined || this.trustRoot) return undefined;
    const program = basename(
      (argv[0] === 'sudo' ? argv.find((a, i) => i > 0 && !a.startsWith('-')) : argv[0]) ?? '',
    );
    const found = this.commandDirectives();
    let hits: CommandDirective[] = [];
    if (program === 'ssh') hits = found.ssh;
    else if (NIX_PROGRAMS.has(program))
      hits = [...found.nix, ...(nixConnects(program, argv) ? found.ssh : [])];
    return hits.length > 0 ? refusalMessage(program, hits) : undefined;
  }

  remainingMs(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  /**
   * Run a command bounded by its own timeout and by what is left of the run. `shared`: an ssh
   * command to the builder (`'ssh'`, from nixLikeSshArgv) or a nix command connecting to it
   * (`'nix'`, for a Nix that can: nixJoinsSharedSsh) runs over the run's one SSH connection (sharedSsh.ts); the result names the command
   * as given, without the socket, so evidence and "Copy Command" work when pasted alone.
   * `reportsOpening`: this ssh command (the login) reports what ssh printed while the connection
   * opened ahead connected, as its own. `signal`: also stop the command when it aborts (an early
   * start that is not needed after all: EarlyStart).
   */
  async run(
    argv: string[],
    timeoutMs: number,
    extra?: {
      env?: NodeJS.ProcessEnv | undefined;
      onOutput?: ((chunk: string) => void) | undefined;
      shared?: 'ssh' | 'nix' | undefined;
      reportsOpening?: boolean | undefined;
      signal?: AbortSignal | undefined;
    },
  ): Promise<CommandResult> {
    const refused = this.refusalFor(argv);
    if (refused !== undefined) {
      this.refusals.add(refused);
      return Promise.resolve({
        argv,
        exitCode: null,
        stdout: '',
        stderr: '',
        timedOut: false,
        aborted: false,
        spawnError: 'EREFUSED',
        refused,
        durationMs: 0,
      });
    }
    const env = extra?.env ?? this.env;
    const signals = [this.signal, extra?.signal].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const start = (
      command: string[],
      commandEnv: NodeJS.ProcessEnv,
      onKill?: () => void,
    ): Promise<CommandResult> =>
      runCommand(command, {
        timeoutMs: Math.max(1, Math.min(timeoutMs, this.remainingMs())),
        env: commandEnv,
        signal,
        onOutput: extra?.onOutput,
        onKill,
      });
    const kind = extra?.shared;
    const shared = kind === undefined ? undefined : this.sharedCommand(argv, env, kind);
    if (shared === undefined) return start(argv, env);
    // Killed (timeout, deadline, cancel): the master holds the command's output pipes until its
    // remote side ends, so end the master too; later commands connect on their own.
    const result = await start(shared.argv, shared.env, () => void this.sharedSsh.close());
    if (kind === 'ssh' && extra?.reportsOpening === true) {
      // What ssh printed while the master connected is what the login would have printed.
      const opening = this.sharedSsh.takeOpeningStderr();
      if (opening !== '') return { ...result, argv, stderr: `${opening}${result.stderr}` };
    }
    // sudo refused `env` (a sudoers rule for nix alone): run the command as given.
    if (shared.throughEnv && result.exitCode !== 0 && /^sudo: /m.test(result.stderr)) return start(argv, env);
    return { ...result, argv };
  }

  /** The argv and environment that run `argv` over the shared connection; undefined: run it as given. */
  private sharedCommand(
    argv: string[],
    env: NodeJS.ProcessEnv,
    kind: 'ssh' | 'nix',
  ): { argv: string[]; env: NodeJS.ProcessEnv; throughEnv?: true } | undefined {
    const at = argv[0] === 'sudo' ? 2 : 0;
    if (kind === 'ssh') {
      if (argv[at] !== 'ssh') return undefined;
      const options = this.sharedSsh.sshOptions();
      if (options.length === 0) return undefined;
      return { argv: [...argv.slice(0, at + 1), ...options, ...argv.slice(at + 1)], env };
    }
    const options = this.sharedSsh.nixSshOpts();
    if (options.length === 0) return undefined;
    // Ours first: ssh keeps the first value of an option (docs/dev/domain.md#how-nix-connects-to-a-remote-builder).
    if (at === 0) {
      const sshopts = [...options, env.NIX_SSHOPTS ?? ''].filter((s) => s !== '').join(' ');
      return { argv, env: { ...env, NIX_SSHOPTS: sshopts } };
    }
    // sudo resets the environment (env_reset): hand the variable to root's nix through env(1).
    return {
      argv: [...argv.slice(0, at), 'env', `NIX_SSHOPTS=${options.join(' ')}`, ...argv.slice(at)],
      env,
      throughEnv: true,
    };
  }

  /**
   * Starts the run's shared SSH connection to `target` in the background, as the login will make
   * it (nixLikeSshArgv), so the login and what follows it only join it (sharedSsh.ts). Not on a
   * staged root whose files would make ssh run a command (refusalFor), and only in a run that
   * logs in (`selected`).
   */
  openSharedSsh(target: BuilderTarget): void {
    if (!this.selected.has('ssh-login')) return;
    const argv = this.nixLikeSshArgv(target, []);
    if (this.refusalFor(argv) !== undefined) return;
    // A login takes well under a second; one not up after ConnectTimeout + 2 s is left to the
    // login's own attempt (the key exchange of a hung builder must not cost two full bounds).
    const openMs = DEFAULT_CONNECT_TIMEOUT_MS + 2000;
    this.sharedSsh.open(argv, Math.min(openMs, this.remainingMs()), this.signal);
  }

  /** Resolves once the connection openSharedSsh started is up or has failed. */
  sharedSshReady(): Promise<void> {
    return this.sharedSsh.ready();
  }

  /** Once that connection is up or has failed: whether it is up (commands over it cost no login). */
  sharedSshUp(): Promise<boolean> {
    return this.sharedSsh.up();
  }

  /** Ends the run's shared SSH connection and removes its socket directory (sharedSsh.ts). */
  closeSharedSsh(): Promise<void> {
    return this.sharedSsh.close();
  }

  /** argv as root: the nix-daemon is root, so root's view is the one that matters. */
  asRoot(argv: string[]): string[] {
    return this.needsSudo ? ['sudo', '-n', ...argv] : argv;
  }

  /**
   * The command a user runs themselves when we could not (sudo needs a password); undefined when
   * an argument holds a control character (src/protocol/shellText.ts: such text is never offered).
   */
  adminCommand(argv: string[]): string | undefined {
    return shellCommandOrUndefined(['sudo', ...argv]);
  }

  /**
   * `-F <generated config>` under a staged root, nothing on the real machine. The config is kept
   * (stableFiles.ts), so the ssh commands shown with it still work when pasted after the run.
   */
  sshConfigArgs(): string[] {
    const root = this.paths.stagedRoot;
    if (root === undefined) return [];
    if (this.rootedConfig === undefined) pruneStale(stableSubdir(this.env, 'staged'));
    this.rootedConfig ??= writeRootedSshConfig(
      this.paths,
      stableSubdir(this.env, 'staged', contentHash(root), 'ssh'),
    );
    return ['-F', this.rootedConfig];
  }

  /** Environment for nix so it reads the same (staged) files. */
  nixEnv(): NodeJS.ProcessEnv {
    if (this.paths.stagedRoot === undefined) return this.env;
    const sshopts = [this.env.NIX_SSHOPTS ?? '', ...this.sshConfigArgs()].filter((s) => s !== '').join(' ');
    // Root's user-level nix.conf on the staged machine, not this machine's (~/.config/nix/nix.conf).
    const userConf = join(this.paths.rootHome, '.config', 'nix', 'nix.conf');
    return {
      ...this.env,
      NIX_CONF_DIR: this.paths.nixConfDir,
      NIX_USER_CONF_FILES: userConf,
      NIX_SSHOPTS: sshopts,
    };
  }

  /**
   * The known_hosts file Nix writes from publicHostKey, `<host> <decoded key>`
   * (docs/dev/domain.md#how-nix-connects-to-a-remote-builder), except that Nix's is temporary and
   * ours is kept (stableFiles.ts): the ssh command we show must still work when pasted. A comment
   * in the file says what it is.
   */
  pinnedKnownHosts(target: BuilderTarget): string | undefined {
    if (target.publicHostKey === undefined) return undefined;
    const content = `# linux-builder-doctor: the publicHostKey of ${target.source.replace(/[\r\n]/g, ' ')} for ${target.host.replace(/[\r\n]/g, ' ')}, as Nix pins it (Nix writes this line to a temporary file); kept so that the ssh commands it shows work when pasted. Safe to delete.\n${target.host} ${target.publicHostKey}\n`;
    // Every ssh argv of the run names it (the connection, the login, remote-nix): written once a run.
    let file = this.pinnedFiles.get(content);
    if (file === undefined) {
      file = join(stableSubdir(this.env, 'known_hosts'), contentHash(content));
      writeWhole(file, content);
      this.pinnedFiles.set(content, file);
    }
    return file;
  }

  /**
   * ssh's argv with Nix's options (docs/dev/domain.md#how-nix-connects-to-a-remote-builder:
   * `-x [NIX_SSHOPTS…] [-i key] [-oUserKnownHostsFile=<pinned>] [-p port]`), plus BatchMode and
   * ConnectTimeout so nothing prompts or hangs. Nix puts the destination first; we put every
   * option first and the destination after `--`, so a host or user from the machines file that
   * starts with `-` is a destination, never an option (`-oProxyCommand=…` would run a command),
   * whatever ran before. ssh applies options in the order given either way.
   */
  nixLikeSshArgv(
    target: BuilderTarget,
    remote: string[],
    connectTimeoutS: number = Math.ceil(DEFAULT_CONNECT_TIMEOUT_MS / 1000),
  ): string[] {
    const argv = ['ssh', ...this.sshConfigArgs(), '-x', ...this.daemonSshOpts()];
    if (target.sshKey !== undefined) argv.push('-i', target.sshKey);
    const pinned = this.pinnedKnownHosts(target);
    if (pinned !== undefined) argv.push(`-oUserKnownHostsFile=${pinned}`);
    if (target.port !== undefined) argv.push('-p', String(target.port));
    argv.push(
      '-oBatchMode=yes',
      `-oConnectTimeout=${connectTimeoutS}`,
      '--',
      target.user !== undefined ? `${target.user}@${target.host}` : target.host,
      ...remote,
    );
    return this.asRoot(argv);
  }

  /**
   * NIX_SSHOPTS as the nix-daemon has it: nix-darwin puts `nix.envVars` into the daemon's launchd
   * plist (EnvironmentVariables). Nix splits it on whitespace (docs/dev/domain.md#how-nix-connects-to-a-remote-builder), so do we.
   */
  daemonSshOpts(): string[] {
    if (this.daemonOpts !== undefined) return this.daemonOpts;
    let text = '';
    try {
      text = readFileSync(this.paths.sys('/Library/LaunchDaemons/org.nixos.nix-daemon.plist'), 'utf8');
    } catch {
      /* not nix-darwin, or no plist */
    }
    const value = /<key>NIX_SSHOPTS<\/key>\s*<string>([^<]*)<\/string>/.exec(text)?.[1] ?? '';
    this.daemonOpts = value
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      .split(/\s+/)
      .filter((s) => s !== '');
    return this.daemonOpts;
  }

  dispose(): void {
    /* the files commands name are kept on purpose (stableFiles.ts); nothing else is written */
  }
}

/** Evidence for a command that ran: argv, exit code, and the tail of its stderr. */
export function commandEvidence(result: CommandResult, detail?: string): Evidence {
  // ssh's note about not allocating a tty is noise here (we run without one on purpose).
  const stderr = result.stderr
    .split('\n')
    .filter((l) => !/^Pseudo-terminal will not be allocated/.test(l))
    .join('\n')
    .trim();
  const evidence: Evidence = { argv: result.argv, exitCode: result.exitCode };
  if (stderr !== '') evidence.stderr = stderr.length > 2000 ? `…${stderr.slice(-2000)}` : stderr;
  const notes = [
    result.timedOut ? `killed after its timeout (${result.durationMs} ms)` : undefined,
    result.aborted ? 'cancelled' : undefined,
    result.refused !== undefined
      ? `not run: ${result.refused}`
      : result.spawnError !== undefined
        ? `could not start: ${result.spawnError}`
        : undefined,
    detail,
  ].filter((s): s is string => s !== undefined && s !== '');
  if (notes.length > 0) evidence.detail = notes.join('; ');
  return evidence;
}

/** sudo -n could not run it without a password: the result the user can act on. */
export function needsAdmin(
  ctx: ProbeContext,
  argv: string[],
  what: string,
  result: CommandResult,
): ProbeOutcome | null {
  if (!ctx.needsSudo || !/sudo: (a password is required|a terminal is required)/.test(result.stderr))
    return null;
  return adminOutcome(
    ctx,
    argv.slice(argv[0] === 'sudo' ? 2 : 0),
    `${what} must be checked as root (the nix-daemon's account)`,
    [commandEvidence(result)],
  );
}

/** needs-admin with the command to run as root, or, when an argument cannot be shell text, why not. */
export function adminOutcome(
  ctx: ProbeContext,
  argv: string[],
  what: string,
  evidence: Evidence[],
): ProbeOutcome {
  const command = ctx.adminCommand(argv);
  if (command === undefined) {
    const why =
      'no command is offered because a value in it contains a control character (src/protocol/shellText.ts); correct the value by hand';
    return {
      status: 'needs-admin',
      cause: 'needs-admin',
      summary: printable(`${what}; ${why}`),
      evidence,
      fix: { summary: printable(`${what}: ${why}.`) },
    };
  }
  return {
    status: 'needs-admin',
    cause: 'needs-admin',
    summary: `${what}; run: ${command}`,
    evidence,
    fix: { summary: `Run this in a terminal, which asks for your password: ${command}`, commands: [command] },
  };
}
