/**
 * Runs the probes: independent ones concurrently, each after the ones it needs; a probe whose
 * requirement failed is skipped with the reason; every result is streamed as it completes; the
 * whole run is bounded (timeoutMs kills whatever still runs and the rest is reported as not run)
 * and cancellable. Never throws: a probe that throws becomes a failed result.
 */
import { PROBE_IDS, type ProbeId, type ProbeReport, type ProbeResult, type Verdict } from '../protocol/probes.js';
import { CANCELLED, DEADLINE, ProbeContext, type ProbeDefinition, type ProbeOutcome } from './context.js';
import { PROBES } from './registry.js';
import { decideVerdict } from './verdict.js';

export interface ProbeRunOptions {
  /** Read system paths under this dir instead of '/' (rootPaths.ts documents the semantics). */
  root?: string;
  only?: ProbeId[];
  /** Overall bound (default 60 s); per command the defaults are small (connect 3 s, ssh 8 s). */
  timeoutMs?: number;
  /** Probe this host instead of the one chosen from the machines file. */
  builderHost?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export const DEFAULT_RUN_TIMEOUT_MS = 60_000;

/** A run cut short proves nothing is wrong only up to where it got: never call that `ok`. */
function incompleteVerdict(verdict: Verdict, aborted: boolean, cancelled: boolean, timeoutMs: number): Verdict {
  if (!aborted || verdict.cause !== 'ok') return verdict;
  return { cause: 'unknown', summary: cancelled ? 'The run was cancelled before the chain was checked to the end' : `The run hit its time limit (${timeoutMs} ms) before the chain was checked to the end; run again with a larger --timeout-ms` };
}

/** The probes to run: the selection plus what it needs; test-build only when asked for. */
export function selectProbes(only: ProbeId[] | undefined): ProbeDefinition[] {
  const byId = new Map(PROBES.map((p) => [p.id, p]));
  const wanted = new Set<ProbeId>(only ?? PROBE_IDS.filter((id) => id !== 'test-build'));
  const add = (id: ProbeId): void => {
    const probe = byId.get(id);
    if (!probe) return;
    for (const dep of [...probe.requires, ...(probe.after ?? [])]) {
      if (!wanted.has(dep)) { wanted.add(dep); add(dep); }
    }
  };
  for (const id of [...wanted]) add(id);
  return PROBES.filter((p) => wanted.has(p.id));
}

export async function runProbes(options: ProbeRunOptions, onResult?: (result: ProbeResult, total: number) => void): Promise<ProbeReport> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
  const controller = new AbortController();
  // The reason tells probes why: 'deadline' (report what was seen so far) or 'cancelled' (stop).
  const abort = (): void => controller.abort(CANCELLED);
  options.signal?.addEventListener('abort', abort, { once: true });
  if (options.signal?.aborted === true) controller.abort(CANCELLED);
  const deadlineTimer = setTimeout(() => controller.abort(DEADLINE), timeoutMs);
  const ctx = new ProbeContext({
    deadline: started + timeoutMs,
    signal: controller.signal,
    ...(options.root !== undefined ? { root: options.root } : {}),
    ...(options.env !== undefined ? { env: options.env } : {}),
    ...(options.builderHost !== undefined ? { builderHost: options.builderHost } : {}),
  });
  const selected = selectProbes(options.only);
  const total = selected.length;
  const byId = new Map(selected.map((p) => [p.id, p]));
  const running = new Map<ProbeId, Promise<ProbeResult>>();
  const start = (probe: ProbeDefinition): Promise<ProbeResult> => {
    let promise = running.get(probe.id);
    if (promise === undefined) {
      promise = runOne(probe);
      running.set(probe.id, promise);
    }
    return promise;
  };
  /** Probes skipped because something they need failed (a chosen skip, e.g. not macOS, blocks nothing). */
  const blocked = new Set<ProbeId>();

  const runOne = async (probe: ProbeDefinition): Promise<ProbeResult> => {
    const deps = [...probe.requires, ...(probe.after ?? [])];
    await Promise.all(deps.flatMap((d) => { const dep = byId.get(d); return dep ? [start(dep)] : []; }));
    const probeStarted = Date.now();
    let outcome: ProbeOutcome;
    const failedDep = probe.requires.map((d) => ctx.results.get(d)).find((r) => r !== undefined && (r.status === 'fail' || r.status === 'needs-admin' || blocked.has(r.id)));
    if (failedDep !== undefined) {
      blocked.add(probe.id);
      outcome = { status: 'skip', summary: `not run: ${failedDep.title.toLowerCase()} ${failedDep.status === 'skip' ? 'was not run' : failedDep.status === 'needs-admin' ? 'needs admin rights' : 'failed'}`, evidence: [] };
    } else if (controller.signal.aborted) {
      blocked.add(probe.id);
      outcome = { status: 'skip', summary: options.signal?.aborted === true ? 'not run: cancelled' : `not run: the run's time limit (${timeoutMs} ms) was reached`, evidence: [] };
    } else {
      try {
        outcome = await probe.run(ctx);
      } catch (error) {
        outcome = { status: 'fail', cause: 'unknown', summary: `internal error in this probe: ${error instanceof Error ? error.message : String(error)}`, evidence: [] };
      }
      if (controller.signal.aborted && outcome.status === 'fail' && outcome.cause === 'unknown') {
        blocked.add(probe.id);
        outcome = { ...outcome, status: 'skip', summary: `did not finish: ${options.signal?.aborted === true ? 'cancelled' : `the run's time limit (${timeoutMs} ms) was reached`}` };
        delete outcome.cause;
      }
    }
    const result: ProbeResult = { id: probe.id, title: probe.title, ...outcome, durationMs: Date.now() - probeStarted };
    ctx.results.set(probe.id, result);
    try { onResult?.(result, total); } catch { /* a listener's error must not break the run */ }
    return result;
  };

  try {
    const results = await Promise.all(selected.map(start));
    results.sort((a, b) => PROBE_IDS.indexOf(a.id) - PROBE_IDS.indexOf(b.id));
    return {
      platform: ctx.facts.platform ?? `${process.platform}-${process.arch}`,
      nixVersion: ctx.facts.nixVersion ?? null,
      results,
      verdict: incompleteVerdict(decideVerdict(results), controller.signal.aborted, options.signal?.aborted === true, timeoutMs),
    };
  } finally {
    clearTimeout(deadlineTimer);
    options.signal?.removeEventListener('abort', abort);
    ctx.dispose();
  }
}
