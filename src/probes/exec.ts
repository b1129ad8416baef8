/**
 * The only place in the project that starts child processes (docs/dev/architecture.md#probes). Every command:
 * argv array (never a shell string), detached (own process group, no controlling tty, so ssh and
 * sudo cannot prompt), stdin ignored, its own timeout, and killed — with its whole process group —
 * when the timeout fires or the caller aborts. Spawn errors are returned, never thrown.
 */
import { execa } from 'execa';

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

export async function runCommand(argv: string[], options: CommandOptions): Promise<CommandResult> {
  const started = Date.now();
  const [file, ...args] = argv;
  const base = { argv, stdout: '', stderr: '', timedOut: false, aborted: false };
  if (file === undefined) return { ...base, exitCode: null, spawnError: 'EINVAL', durationMs: 0 };
  if (options.signal?.aborted) return { ...base, exitCode: null, aborted: true, durationMs: 0 };
  const child = execa(file, args, {
    env: options.env ?? process.env,
    extendEnv: false,
    cwd: options.cwd ?? process.cwd(), // execa's own default, spelled out for its exact option types
    stdin: 'ignore',
    detached: true,
    reject: false,
    stripFinalNewline: false,
    encoding: 'utf8',
    buffer: true,
  });
  let timedOut = false;
  let aborted = false;
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
  if (options.onOutput) {
    const forward = (data: Buffer | string): void => options.onOutput?.(data.toString());
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
  }
  try {
    const result = await child;
    const spawnError =
      result.failed && result.exitCode === undefined && !result.signal && !timedOut && !aborted
        ? (result.code ?? 'ESPAWN')
        : undefined;
    return {
      argv,
      exitCode: typeof result.exitCode === 'number' ? result.exitCode : null,
      stdout: typeof result.stdout === 'string' ? result.stdout : '',
      stderr: typeof result.stderr === 'string' ? result.stderr : '',
      timedOut,
      aborted,
      ...(spawnError !== undefined ? { spawnError } : {}),
      durationMs: Date.now() - started,
    };
  } catch (error) {
    return {
      ...base,
      exitCode: null,
      timedOut,
      aborted,
      spawnError: (error as { code?: string }).code ?? 'ESPAWN',
      durationMs: Date.now() - started,
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** True when the program itself could not be started because it is not installed. */
export function isNotInstalled(result: CommandResult): boolean {
  return result.spawnError === 'ENOENT';
}
