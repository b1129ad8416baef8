/**
 * The only place in the project that starts child processes (docs/dev/architecture.md#probes). Every command:
 * argv array (never a shell string), detached (own process group, no controlling tty, so ssh and
 * sudo cannot prompt), stdin ignored, its own timeout, and killed — with its whole process group —
 * when the timeout fires or the caller aborts. Spawn errors are returned, never thrown.
 *
 * Node's own spawn, not a wrapper library: a probe run starts a dozen commands, and each spawn
 * blocks this thread while the process is forked; execa's own work doubled that (12.7 ms against
 * 6.1 ms a command, median of 20, on the loaded 2-core test machine), time the language server
 * and every concurrent probe waited for.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface CommandOptions {
  timeoutMs: number;
  env?: NodeJS.ProcessEnv | undefined;
  signal?: AbortSignal | undefined;
  cwd?: string | undefined;
  /** Called with each chunk of stdout and stderr as it arrives (the test build streams). */
  onOutput?: ((chunk: string) => void) | undefined;
  /**
   * Called when the timeout or the abort kills the command. A command run over a shared SSH
   * connection (sharedSsh.ts) handed its stdout and stderr to the master, which keeps them open
   * until the remote side ends: the caller ends the master then, or we would wait for it.
   */
  onKill?: (() => void) | undefined;
}

export interface CommandResult {
  argv: string[];
  /** null when the process did not exit by itself (killed, timed out, or never started). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  /** Spawn failure code, e.g. 'ENOENT' when the program is not installed ('EREFUSED': see refused). */
  spawnError?: string;
  /** Set when the probe context did not start the command, and why (a staged root's directives). */
  refused?: string;
  durationMs: number;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    // detached makes the child a process-group leader: kill its descendants too (nix's build hook, ssh).
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

export function runCommand(argv: string[], options: CommandOptions): Promise<CommandResult> {
  const started = Date.now();
  const [file, ...args] = argv;
  const base = { argv, stdout: '', stderr: '', timedOut: false, aborted: false };
  if (file === undefined)
    return Promise.resolve({ ...base, exitCode: null, spawnError: 'EINVAL', durationMs: 0 });
  if (options.signal?.aborted)
    return Promise.resolve({ ...base, exitCode: null, aborted: true, durationMs: 0 });
  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      env: options.env ?? process.env,
      cwd: options.cwd ?? process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
  } catch (error) {
    // Arguments Node refuses (a NUL byte): nothing started.
    const spawnError = (error as { code?: string }).code ?? 'ESPAWN';
    return Promise.resolve({ ...base, exitCode: null, spawnError, durationMs: Date.now() - started });
  }
  return new Promise((resolve) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    let aborted = false;
    let settled = false;
    const finish = (exitCode: number | null, spawnError?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({
        argv,
        exitCode,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        timedOut,
        aborted,
        ...(spawnError !== undefined ? { spawnError } : {}),
        durationMs: Date.now() - started,
      });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
      options.onKill?.();
    }, options.timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      killGroup(child.pid);
      options.onKill?.();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout?.on('data', (data: Buffer) => {
      stdout.push(data);
      options.onOutput?.(data.toString());
    });
    child.stderr?.on('data', (data: Buffer) => {
      stderr.push(data);
      options.onOutput?.(data.toString());
    });
    // Not started (ENOENT, EACCES): no pid. An error after the start (a failed kill) is not the result.
    child.once('error', (error: Error & { code?: string }) => {
      if (child.pid === undefined) finish(null, error.code ?? 'ESPAWN');
    });
    // After the exit and the end of its output: killed by a signal is no exit code.
    child.once('close', (code: number | null) => finish(typeof code === 'number' ? code : null));
  });
}

/**
 * What `promise` resolves to, or `fallback` once `ms` have passed. The timer is cleared either way:
 * one left running kept the CLI's process alive after its report was out.
 */
export async function settledWithin<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<F>((resolve) => {
        timer = setTimeout(() => resolve(fallback), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether two argvs are the same command, word for word. */
export function sameArgv(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((word, i) => word === b[i]);
}

/** True when the program itself could not be started because it is not installed. */
export function isNotInstalled(result: CommandResult): boolean {
  return result.spawnError === 'ENOENT';
}
