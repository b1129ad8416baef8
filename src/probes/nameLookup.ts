/**
 * getaddrinfo for a host name (what ssh calls), bounded, in this process when that is safe.
 *
 * Node's dns.lookup runs getaddrinfo on a thread of libuv's pool (4 threads by default) and cannot
 * abandon it: a resolver that never answers holds that thread for the resolver's own timeouts
 * (15 s and more) and keeps the process alive meanwhile. A child process costs no thread, but it is
 * a whole runtime started for one call (about 90 ms of CPU here, more for Electron's node on a Mac,
 * and 330–640 ms of wall time on a loaded 2-core machine: it was the probe run's largest local cost).
 *
 * So in a long-lived process (the language server) the lookup runs in this process while no
 * earlier one of ours is still waiting on the resolver, and in a child process, killed at the
 * bound, while one is: a resolver that never answers holds at most one pool thread, never one per
 * run, and delays the server's exit at most by the resolver's timeouts. A process that must end
 * when it is done (the CLI: ProbeRunOptions.lookupNamesInChild) always uses the child: even
 * process.exit waits for a held thread (libuv joins its pool at exit). Either way the caller gets
 * its answer, or "no answer", within the bound.
 */
import { lookup } from 'node:dns';
import type { CommandResult } from './exec.js';

/** Run by this runtime in a child process: the same lookup for argv[1], as JSON. */
const LOOKUP_SCRIPT =
  "require('node:dns').lookup(process.argv[1], { all: true, order: 'verbatim' }, (e, a) => process.stdout.write(JSON.stringify(e ? { code: e.code ?? e.message } : { addresses: a.map((x) => x.address) })))";

export type NameAnswer =
  | { kind: 'addresses'; addresses: string[] }
  /** getaddrinfo's error, e.g. ENOTFOUND, EAI_AGAIN. */
  | { kind: 'error'; code: string }
  | { kind: 'timeout' }
  | { kind: 'aborted' }
  /** The child process gave no answer (it could not start, or died): its result is the evidence. */
  | { kind: 'failed'; result: CommandResult };

/** Starts a command bounded by `timeoutMs` (the probe context's run). */
export type RunCommand = (
  argv: string[],
  timeoutMs: number,
  env: NodeJS.ProcessEnv,
) => Promise<CommandResult>;

/** The in-process lookups still waiting on the resolver (0 or 1). */
let pending = 0;

/** True while an in-process lookup of ours still waits on the resolver. */
export function lookupPending(): boolean {
  return pending > 0;
}

/** getaddrinfo(name) with all addresses in the resolver's order, as ssh gets them; bounded by `limitMs` and `signal`. */
export function lookupName(
  name: string,
  limitMs: number,
  signal: AbortSignal | undefined,
  env: NodeJS.ProcessEnv,
  runCommand: RunCommand,
  inChildOnly = false,
): Promise<NameAnswer> {
  if (inChildOnly || pending > 0) return lookupInChild(name, limitMs, env, runCommand);
  return lookupHere(name, limitMs, signal);
}

function lookupHere(name: string, limitMs: number, signal: AbortSignal | undefined): Promise<NameAnswer> {
  if (signal?.aborted === true) return Promise.resolve({ kind: 'aborted' });
  return new Promise((resolve) => {
    let settled = false;
    const settle = (answer: NameAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(answer);
    };
    const onAbort = (): void => settle({ kind: 'aborted' });
    const timer = setTimeout(() => settle({ kind: 'timeout' }), limitMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    pending++;
    lookup(name, { all: true, order: 'verbatim' }, (error, addresses) => {
      pending--;
      settle(
        error
          ? { kind: 'error', code: error.code ?? error.message }
          : { kind: 'addresses', addresses: addresses.map((a) => a.address) },
      );
    });
  });
}

async function lookupInChild(
  name: string,
  limitMs: number,
  baseEnv: NodeJS.ProcessEnv,
  runCommand: RunCommand,
): Promise<NameAnswer> {
  // In VS Code this runtime is Electron: run it as plain node, without the options of its parent.
  const env: NodeJS.ProcessEnv = { ...baseEnv, ELECTRON_RUN_AS_NODE: '1' };
  delete env.NODE_OPTIONS;
  const result = await runCommand([process.execPath, '-e', LOOKUP_SCRIPT, '--', name], limitMs, env);
  if (result.aborted) return { kind: 'aborted' };
  if (result.timedOut) return { kind: 'timeout' };
  let answer: { addresses?: string[]; code?: string } = {};
  try {
    answer = JSON.parse(result.stdout) as typeof answer;
  } catch {
    /* no answer: reported as the process's failure */
  }
  if (answer.addresses !== undefined) return { kind: 'addresses', addresses: answer.addresses };
  if (answer.code !== undefined) return { kind: 'error', code: answer.code };
  return { kind: 'failed', result };
}
