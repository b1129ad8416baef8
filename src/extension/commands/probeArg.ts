import type { ProbeResult } from '../../protocol/probes.js';
import type { Ctx } from '../ctx.js';
import type { HealthNode } from '../health/tree.js';
import { verdictAsResult } from '../health/verdict.js';

/**
 * Row actions receive the tree node; the palette and tests may pass a probe id, or 'verdict'.
 * The verdict row's actions work on the verdict's own evidence and fix (verdictAsResult).
 */
export function probeFromArg(ctx: Ctx, arg: unknown): ProbeResult | undefined {
  const verdict = ctx.model.report?.verdict;
  if (arg === 'verdict' || (arg as HealthNode | undefined)?.kind === 'verdict') {
    if (!verdict) return undefined;
    return verdictAsResult(verdict, verdict.probe ? ctx.model.find(verdict.probe) : undefined);
  }
  if (typeof arg === 'string') return ctx.model.find(arg);
  const node = arg as HealthNode | undefined;
  return node?.kind === 'probe' ? node.result : undefined;
}

/** True when the argument names the verdict rather than one probe. */
export function isVerdictArg(arg: unknown): boolean {
  return arg === 'verdict' || (arg as HealthNode | undefined)?.kind === 'verdict';
}
