/**
 * Runs a list of probes: independent ones concurrently, each after the ones it needs; a probe whose
 * requirement failed is skipped with the reason; every result is streamed as it completes; the
 * whole run is bounded (timeoutMs kills whatever still runs and the rest is reported as not run)
 * and cancellable. Never throws: a probe that throws becomes a failed result, and probes whose
 * `requires`/`after` form a cycle are reported as not run instead of waiting on each other.
 *
 * The engine knows no probe by name: the caller passes the list (run.ts passes the registry), so
 * it can be tested with fake probes.
 *
 * A probe sees only the facts and results of the probes it declares (`requires`/`after`, and
 * theirs in turn): what it reads of another probe's work is a declared dependency, so its fix
 * texts never depend on which probe happened to finish first.
 */
import type { ProbeId, ProbeReport, ProbeResult, Verdict } from '../protocol/probes.js';
import { printable } from '../protocol/shellText.js';
import {
  CANCELLED,
  DEADLINE,
  ProbeContext,
  type Facts,
  type ProbeDefinition,
  type ProbeOutcome,
} from './context.js';
import { decideVerdict } from './verdict.js';
import { errorText } from '../protocol/errorText.js';

export interface ProbeRunOptions {
  /** Read system paths under this dir instead of '/' (rootPaths.ts documents the semantics). */
  root?: string | undefined;
  /** Run these and what they need; default: every probe that is not `onlyWhenAsked`. */
  only?: ProbeId[] | undefined;
  /** Overall bound (default 60 s); per command the defaults are small (connect 3 s, ssh 8 s). */
  timeoutMs?: number | undefined;
  /** Probe this host instead of the one chosen from the machines file. */
  builderHost?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  signal?: AbortSignal | undefined;
  /** Run ssh/nix on a staged root even when its files would make them run commands (`--trust-root`). */
  trustRoot?: boolean | undefined;
  /**
   * Resolve host names in a child process, killed at its bound, never in this one: for a process
   * that must end when it is done (the CLI), since a lookup it started cannot be abandoned and
   * even process.exit waits for it (nameLookup.ts).
   */
  lookupNamesInChild?: boolean | undefined;
}

export const DEFAULT_RUN_TIMEOUT_MS = 60_000;

/**
 * What a probe waits for: the probes it needs, the ones it runs after, and the ones its early
 * start waits for (so these are selected with it and a cycle through them is found).
 */
export const dependenciesOf = (probe: ProbeDefinition): ProbeId[] => [
  ...probe.requires,
  ...(probe.after ?? []),
  ...(probe.early?.after ?? []),
];

/**
 * The probes that lie on a `requires`/`after` cycle (empty when the graph is acyclic). Such probes
 * could only wait on each other forever.
 */
export function probesOnCycles(probes: readonly ProbeDefinition[]): Set<ProbeId> {
  const byId = new Map(probes.map((p) => [p.id, p]));
  const onCycle = new Set<ProbeId>();
  // A probe is on a cycle when it can reach itself through its dependencies.
  for (const start of probes) {
    const seen = new Set<ProbeId>();
    const stack = dependenciesOf(start);
    while (stack.length > 0) {
      const id = stack.pop() as ProbeId;
      if (id === start.id) {
        onCycle.add(start.id);
        break;
      }
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...(byId.has(id) ? dependenciesOf(byId.get(id) as ProbeDefinition) : []));
    }
  }
  return onCycle;
}

/** A run cut short proves nothing is wrong only up to where it got: never call that `ok`. */
function incompleteVerdict(
  verdict: Verdict,
  aborted: boolean,
  cancelled: boolean,
  timeoutMs: number,
): Verdict {
  if (!aborted || verdict.cause !== 'ok') return verdict;
  return {
    cause: 'unknown',
    summary: cancelled
      ? 'The run was cancelled before the chain was checked to the end'
      : `The run hit its time limit (${timeoutMs} ms) before the chain was checked to the end; run again with a larger --timeout-ms`,
  };
}

/** The refusal behind an outcome that is not ok because a command of it was refused. */
function refusedIn(ctx: ProbeContext, outcome: ProbeOutcome): string | undefined {
  if (outcome.status === 'ok' || ctx.refusals.size === 0) return undefined;
  for (const e of outcome.evidence) {
    for (const message of ctx.refusals)
      if ((e.detail ?? '').startsWith(`not run: ${message}`)) return message;
  }
  return undefined;
}

/** Refused commands leave the chain unchecked: never `ok`, and the reason is the verdict. */
function refusedVerdict(verdict: Verdict, ctx: ProbeContext): Verdict {
  const first = [...ctx.refusals][0];
  if (first === undefined || (verdict.cause !== 'ok' && verdict.cause !== 'unknown')) return verdict;
  return {
    cause: 'unknown',
    summary: `The chain was not checked to the end: ${first}`,
    fix: {
      summary:
        'Check the named settings in the staged files; if you trust them, run again with --trust-root (in VS Code, the machine setting linuxBuilderDoctor.probes.trustRoot).',
    },
  };
}

/** The probes to run, in list order: the selection plus what it needs (`onlyWhenAsked` ones only when selected). */
export function selectProbes(
  probes: readonly ProbeDefinition[],
  only: readonly ProbeId[] | undefined,
): ProbeDefinition[] {
  const byId = new Map(probes.map((p) => [p.id, p]));
  const wanted = new Set<ProbeId>(only ?? probes.filter((p) => p.onlyWhenAsked !== true).map((p) => p.id));
  const add = (id: ProbeId): void => {
    const probe = byId.get(id);
    if (!probe) return;
    for (const dep of dependenciesOf(probe)) {
      if (!wanted.has(dep)) {
        wanted.add(dep);
        add(dep);
      }
    }
  };
  for (const id of [...wanted]) add(id);
  return probes.filter((p) => wanted.has(p.id));
}

/**
 * A view of the run's context for one probe: its own `facts` and `results`, holding only what its
 * dependencies found; everything else (paths, commands, deadline, scratch files) is the run's.
 */
function probeView(ctx: ProbeContext, facts: Facts, results: Map<ProbeId, ProbeResult>): ProbeContext {
  return new Proxy(ctx, {
    get(target, property) {
      if (property === 'facts') return facts;
      if (property === 'results') return results;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export async function runProbeList(
  probes: readonly ProbeDefinition[],
  options: ProbeRunOptions,
  onResult?: (result: ProbeResult, total: number) => void,
): Promise<ProbeReport> {
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
    root: options.root,
    env: options.env,
    builderHost: options.builderHost,
    trustRoot: options.trustRoot,
    lookupNamesInChild: options.lookupNamesInChild,
  });
  const selected = selectProbes(probes, options.only);
  ctx.selected = new Set(selected.map((p) => p.id));
  const order = new Map(probes.map((p, i) => [p.id, i]));
  const cyclic = probesOnCycles(selected);
  const total = selected.length;
  const byId = new Map(selected.map((p) => [p.id, p]));
  /** Probes another selected probe waits for: the chain whose commands should start first. */
  const awaited = new Set(selected.flatMap(dependenciesOf));
  const running = new Map<ProbeId, Promise<ProbeResult>>();
  /** The facts each finished probe saw and added: what the probes after it may read. */
  const factsAfter = new Map<ProbeId, Facts>();
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

  /** The facts and results of these finished probes, merged in list order (the same whatever finished first). */
  const viewAfter = (
    deps: readonly ProbeDefinition[],
  ): { facts: Facts; results: Map<ProbeId, ProbeResult> } => {
    const facts: Facts = { otherTargets: [] };
    const results = new Map<ProbeId, ProbeResult>();
    for (const dep of [...deps].sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0))) {
      Object.assign(facts, factsAfter.get(dep.id));
      for (const [id, result] of dependencyResults.get(dep.id) ?? []) results.set(id, result);
    }
    return { facts, results };
  };
  /** The first of these probes that failed, or was not run because something it needs failed. */
  const failedAmong = (ids: readonly ProbeId[]): ProbeResult | undefined =>
    ids
      .map((d) => ctx.results.get(d))
      .find(
        (r) => r !== undefined && (r.status === 'fail' || r.status === 'needs-admin' || blocked.has(r.id)),
      );
  /** A probe's early start (EarlyStart): begun once its own `after` have finished and none failed. */
  const startEarly = (
    probe: ProbeDefinition,
  ): { work: Promise<unknown>; stop: AbortController } | undefined => {
    const early = probe.early;
    if (early === undefined || cyclic.has(probe.id)) return undefined;
    const stop = new AbortController();
    const work = (async () => {
      const deps = early.after.flatMap((d) => byId.get(d) ?? []);
      await Promise.all(deps.map(start));
      if (controller.signal.aborted || stop.signal.aborted || failedAmong(early.after) !== undefined)
        return undefined;
      const view = viewAfter(deps);
      return early.start(probeView(ctx, view.facts, view.results), stop.signal);
    })().catch(() => undefined);
    return { work, stop };
  };

  const runOne = async (probe: ProbeDefinition): Promise<ProbeResult> => {
    const deps = cyclic.has(probe.id) ? [] : dependenciesOf(probe).flatMap((d) => byId.get(d) ?? []);
    const early = startEarly(probe);
    await Promise.all(deps.map(start));
    // Each command's fork holds this thread for milliseconds: a probe nothing waits for (platform's
    // sw_vers) starts its commands after the ones the chain waits for (nix --version) have theirs.
    if (!awaited.has(probe.id)) await new Promise((resolve) => setImmediate(resolve));
    const { facts, results } = viewAfter(deps);
    const probeStarted = Date.now();
    let outcome: ProbeOutcome;
    const failedDep = failedAmong(probe.requires);
    if (cyclic.has(probe.id)) {
      blocked.add(probe.id);
      outcome = {
        status: 'skip',
        summary: 'not run: its requires/after declarations form a cycle (a bug in the probe list)',
        evidence: [],
      };
    } else if (failedDep !== undefined) {
      blocked.add(probe.id);
      outcome = {
        status: 'skip',
        summary: `not run: ${failedDep.title.toLowerCase()} ${failedDep.status === 'skip' ? 'was not run' : failedDep.status === 'needs-admin' ? 'needs admin rights' : 'failed'}`,
        evidence: [],
      };
    } else if (controller.signal.aborted) {
      blocked.add(probe.id);
      outcome = {
        status: 'skip',
        summary:
          options.signal?.aborted === true
            ? 'not run: cancelled'
            : `not run: the run's time limit (${timeoutMs} ms) was reached`,
        evidence: [],
      };
    } else {
      try {
        // Not `await early?.work`: a tick for nothing would let later probes start their commands first.
        const handed = early === undefined ? undefined : await early.work;
        outcome = await probe.run(probeView(ctx, facts, results), handed);
      } catch (error) {
        outcome = {
          status: 'fail',
          cause: 'unknown',
          summary: `internal error in this probe: ${errorText(error)}`,
          evidence: [],
        };
      }
      const refused = refusedIn(ctx, outcome);
      if (refused !== undefined) {
        // The probe could not look: say why instead of a failure of the command we did not run.
        blocked.add(probe.id);
        outcome = { status: 'skip', summary: `not run: ${refused}`, evidence: outcome.evidence };
      }
      if (controller.signal.aborted && outcome.status === 'fail' && outcome.cause === 'unknown') {
        blocked.add(probe.id);
        outcome = {
          ...outcome,
          status: 'skip',
          summary: `did not finish: ${options.signal?.aborted === true ? 'cancelled' : `the run's time limit (${timeoutMs} ms) was reached`}`,
        };
        delete outcome.cause;
      }
    }
    if (early !== undefined) {
      // Not run, or done with it: nothing started early outlives the probe.
      early.stop.abort();
      await early.work;
    }
    // Summaries quote values from files we do not control: one line, no terminal escapes.
    const result: ProbeResult = {
      id: probe.id,
      title: probe.title,
      ...outcome,
      summary: printable(outcome.summary),
      durationMs: Date.now() - probeStarted,
    };
    factsAfter.set(probe.id, facts);
    results.set(probe.id, result);
    dependencyResults.set(probe.id, results);
    ctx.results.set(probe.id, result);
    Object.assign(ctx.facts, facts);
    try {
      onResult?.(result, total);
    } catch {
      /* a listener's error must not break the run */
    }
    return result;
  };
  /** The results a probe could see plus its own: what the probes after it may read. */
  const dependencyResults = new Map<ProbeId, Map<ProbeId, ProbeResult>>();

  try {
    const results = await Promise.all(selected.map(start));
    results.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    return {
      platform: ctx.facts.platform ?? `${process.platform}-${process.arch}`,
      nixVersion: ctx.facts.nixVersion ?? null,
      results,
      verdict: refusedVerdict(
        incompleteVerdict(
          decideVerdict(results),
          controller.signal.aborted,
          options.signal?.aborted === true,
          timeoutMs,
        ),
        ctx,
      ),
    };
  } finally {
    clearTimeout(deadlineTimer);
    options.signal?.removeEventListener('abort', abort);
    // Also after a failure, the deadline or a cancel: no master outlives the run (sharedSsh.ts).
    await ctx.closeSharedSsh();
    ctx.dispose();
  }
}
