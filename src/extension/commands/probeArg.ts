import type { ProbeResult } from '../../protocol/probes.js';
import type { Ctx } from '../ctx.js';
import type { HealthNode } from '../health/tree.js';

/** Row actions receive the tree node; the palette and tests may pass a probe id instead. */
export function probeFromArg(ctx: Ctx, arg: unknown): ProbeResult | undefined {
  if (typeof arg === 'string') return ctx.model.find(arg);
  const node = arg as HealthNode | undefined;
  return node?.kind === 'probe' ? node.result : undefined;
}
