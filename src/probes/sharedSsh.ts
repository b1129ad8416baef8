/**
 * One SSH connection for a probe run's own ssh commands (issue 8 goal 5): OpenSSH's connection
 * sharing (ssh_config(5): ControlMaster, ControlPath, ControlPersist). The master is opened ahead,
 * in the background, as soon as root's ssh settings for the builder are known (open()), so its key
 * exchange and login overlap the probes still checking the name, port and host key; where it
 * failed, the login's own ssh becomes the master. The login and the commands after it
 * (remote-nix's ssh, and Nix's own ssh through NIX_SSHOPTS) run over it instead of a new TCP
 * connection, key exchange and login each.
 *
 * The socket lies in a directory made for this run only (mkdtemp: 0700, this user's), so no other
 * run and no other user can reach it; under `sudo -n` root's ssh uses it (root passes the mode
 * bits) and its socket is root's, mode 0600 (OpenSSH mux.c binds it under umask 0177). Our options
 * come first on ssh's command line, so a ControlPath of the user's own config is never used
 * (docs/dev/domain.md#how-nix-connects-to-a-remote-builder: the first value found wins).
 *
 * The options are only added to the command that runs, never to the argv shown as evidence or
 * copied by "Copy Command": that must work when pasted alone, after the socket is gone.
 *
 * close() ends the master (`ssh -O exit`) and removes the directory, whatever the probes did;
 * ControlPersist bounds a master that close() could not reach (our process killed).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, sameArgv, settledWithin, type CommandResult } from './exec.js';

/** Seconds an idle master waits for the next command before it exits by itself. */
export const MASTER_PERSIST_S = 30;
/** The bound of `ssh -O exit` at the end of the run. */
const CLOSE_TIMEOUT_MS = 1000;
/**
 * sun_path holds 104 bytes on macOS (108 on Linux), and ssh binds the master at `<path>.<16
 * random chars>` before renaming it (OpenSSH mux.c muxserver_listen): keep room for that.
 */
const MAX_SOCKET_PATH = 104 - 1 - 17;
/**
 * Characters that pass through every layer unchanged: ssh expands `%` tokens and a leading `~` in
 * ControlPath, and Nix splits NIX_SSHOPTS on whitespace (quotes and backslashes are taken as
 * shell quoting since 2.26), so a path with any of those is not used.
 */
const PLAIN_PATH = /^\/[A-Za-z0-9._/-]+$/;

/** `2.16.2` → [2, 16, 2]; undefined when not a version. */
function versionParts(version: string | undefined): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/**
 * Whether this Nix's ssh can run over our master when NIX_SSHOPTS names it. A shared
 * connection's client never runs LocalCommand, and Nix 2.15.0 to 2.16.1 wait for the
 * `echo started` of their `-oLocalCommand` ("failed to start SSH connection") unless `ssh -O check`
 * finds a master; 2.16.0–2.16.1 run that check without NIX_SSHOPTS (NixOS/nix
 * src/libstore/ssh.cc, SSHMaster::startCommand and isMasterRunning; fixed in 2.16.2, absent before
 * 2.15; docs/dev/domain.md#how-nix-connects-to-a-remote-builder). An unknown version gets its own
 * connection.
 */
export function nixJoinsSharedSsh(version: string | undefined): boolean {
  const v = versionParts(version);
  if (v === undefined) return false;
  const [major, minor, patch] = v;
  if (major !== 2) return major > 2;
  if (minor < 15) return true;
  return minor > 16 || (minor === 16 && patch >= 2);
}

/** A run's directory older than this is no live run's (a run is bounded well below it). */
export const STALE_SOCKET_DIR_MS = 60 * 60 * 1000;

/**
 * Removes the empty socket directories of runs that could not clean up (the process was killed:
 * its master then exits after ControlPersist and takes its socket along, leaving the folder).
 * Only empty ones, only this user's, only older than any run lasts: rmdir never removes a folder
 * that still holds a socket, and /tmp's sticky bit keeps other users' out of reach anyway.
 */
export function sweepStaleSocketDirs(base: string, now = Date.now()): void {
  let names: string[];
  try {
    names = readdirSync(base).filter((name) => name.startsWith('lbd-ssh-'));
  } catch {
    return;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const dir = join(base, name);
    try {
      const info = statSync(dir);
      if (!info.isDirectory() || (uid !== undefined && info.uid !== uid)) continue;
      if (now - info.mtimeMs < STALE_SOCKET_DIR_MS) continue;
      rmdirSync(dir); // fails, and is left, when not empty
    } catch {
      /* gone meanwhile, not empty, or not ours: left as it is */
    }
  }
}

/** The directory for the socket: the user's temporary folder, else /tmp; undefined if neither fits. */
function makeSocketDir(): string | undefined {
  for (const base of [tmpdir(), '/tmp']) {
    if (!PLAIN_PATH.test(base)) continue;
    sweepStaleSocketDirs(base);
    try {
      const dir = mkdtempSync(join(base, 'lbd-ssh-'));
      if (PLAIN_PATH.test(dir) && join(dir, 'ssh').length <= MAX_SOCKET_PATH) return dir;
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* not writable: try the next */
    }
  }
  return undefined;
}

export class SharedSsh {
  /** undefined: not made yet; null: no usable directory (every command connects on its own). */
  private dir: string | null | undefined;
  private closing: Promise<void> | undefined;
  /** The master opened ahead of the login (open()), while it connects or once it is up. */
  private opening: Promise<CommandResult> | undefined;
  /** The login argv the master was opened as. */
  private openedFor: string[] = [];
  private readonly stopOpening = new AbortController();
  /** What ssh printed while the master connected: the first command over it reports it as its own. */
  private openingStderr = '';

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    /** Wraps an argv to run as root (`sudo -n …`) when the run's ssh does. */
    private readonly asRoot: (argv: string[]) => string[],
  ) {}

  /**
   * Opens the master in the background (`ssh -N`, given as the login's argv without a remote
   * command) while other probes still run, so the login only joins it. It never adds or updates a
   * known host (StrictHostKeyChecking=yes, UpdateHostKeys=no, ahead of any config): where the
   * login's own settings would, the master fails and the login connects on its own, as without it.
   */
  open(loginArgv: string[], timeoutMs: number, signal: AbortSignal | undefined): void {
    if (this.opening !== undefined) {
      // Opened ahead for the builder the files named (sshEffectiveConfig.ts), and the run checks
      // another after all: that connection is not this login's, so every command connects on its own.
      if (!sameArgv(loginArgv, this.openedFor)) void this.close();
      return;
    }
    this.openedFor = loginArgv;
    const path = this.socketPath();
    if (path === undefined) return;
    const at = loginArgv[0] === 'sudo' ? 2 : 0;
    if (loginArgv[at] !== 'ssh') return;
    const argv = [
      ...loginArgv.slice(0, at + 1),
      '-N',
      '-oControlMaster=yes',
      `-oControlPath=${path}`,
      `-oControlPersist=${MASTER_PERSIST_S}`,
      '-oStrictHostKeyChecking=yes',
      '-oUpdateHostKeys=no',
      ...loginArgv.slice(at + 1),
    ];
    signal?.addEventListener('abort', () => this.stopOpening.abort(), { once: true });
    this.opening = runCommand(argv, { timeoutMs, env: this.env, signal: this.stopOpening.signal });
    void this.opening.then((result) => {
      if (result.exitCode === 0) this.openingStderr = result.stderr;
    });
  }

  /** Resolves once the master opened ahead is up or has failed (at once when none was). */
  async ready(): Promise<void> {
    await this.opening;
  }

  /**
   * Once the master opened ahead is up or has failed: true when it is up (ssh -N exits 0 once
   * logged in, leaving the master in the background) and not closed since.
   */
  async up(): Promise<boolean> {
    const opened = await this.opening;
    return opened?.exitCode === 0 && typeof this.dir === 'string';
  }

  /** ssh's messages while the master connected, once: for the first command that runs over it. */
  takeOpeningStderr(): string {
    const text = this.openingStderr;
    this.openingStderr = '';
    return text;
  }

  /** The socket's path, making the run's directory on first use; undefined when sharing is off. */
  socketPath(): string | undefined {
    if (this.dir === undefined) this.dir = makeSocketDir() ?? null;
    return this.dir === null ? undefined : join(this.dir, 'ssh');
  }

  /**
   * Options for one of our ssh commands: join the master, or become it when there is none yet
   * (`auto`), staying in the background for the next command (ControlPersist).
   */
  sshOptions(): string[] {
    const path = this.socketPath();
    if (path === undefined) return [];
    return ['-oControlMaster=auto', `-oControlPath=${path}`, `-oControlPersist=${MASTER_PERSIST_S}`];
  }

  /**
   * NIX_SSHOPTS words for Nix's ssh: join the master if it is there, never become one (Nix's ssh
   * is killed with Nix; without a socket it simply connects on its own).
   */
  nixSshOpts(): string[] {
    const path = this.socketPath();
    if (path === undefined) return [];
    return ['-oControlMaster=no', `-oControlPath=${path}`];
  }

  /**
   * Ends the master if one was started, then removes the run's directory; from then on every
   * command connects on its own. Never throws; a second call waits for the first.
   */
  close(): Promise<void> {
    const dir = this.dir;
    this.dir = null;
    if (dir !== undefined && dir !== null) this.closing = this.end(dir);
    return this.closing ?? Promise.resolve();
  }

  private async end(dir: string): Promise<void> {
    const path = join(dir, 'ssh');
    // A master still connecting (the login never came: an earlier probe failed) is stopped; one
    // that ssh started as root under sudo ends by itself (ConnectTimeout), and cannot bind its
    // socket once the directory is gone.
    if (this.opening !== undefined) {
      this.stopOpening.abort();
      await settledWithin(this.opening, CLOSE_TIMEOUT_MS, undefined);
    }
    if (existsSync(path)) {
      // No config file: the socket is all `-O exit` needs, and nothing in a config runs here.
      await runCommand(
        this.asRoot(['ssh', '-F', '/dev/null', `-oControlPath=${path}`, '-O', 'exit', '--', 'linux-builder']),
        { timeoutMs: CLOSE_TIMEOUT_MS, env: this.env },
      );
    }
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* already gone */
    }
  }
}
