/**
 * The probe run every face uses: the engine over the registry's probes. The engine itself takes
 * any list (tests give it fake probes); this is the one place that names the real ones.
 */
import type { ProbeReport, ProbeResult, ProbeId } from '../protocol/probes.js';
import type { ProbeDefinition } from './context.js';
import { runProbeList, selectProbes as selectFrom, type ProbeRunOptions } from './engine.js';
import { PROBES } from './registry.js';

export type { ProbeRunOptions } from './engine.js';
export { DEFAULT_RUN_TIMEOUT_MS } from './engine.js';

export function runProbes(
  options: ProbeRunOptions,
  onResult?: (result: ProbeResult, total: number) => void,
): Promise<ProbeReport> {
  return runProbeList(PROBES, options, onResult);
}

/** The registry's probes a run with this `--only` selection runs. */
export function selectProbes(only: readonly ProbeId[] | undefined): ProbeDefinition[] {
  return selectFrom(PROBES, only);
}
