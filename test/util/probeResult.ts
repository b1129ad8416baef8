/** A probe result as the engine reports one, for tests of what is built from results (verdict, view). */
import type { ProbeResult } from '../../src/protocol/probes.js';

export function probeResult(
  id: ProbeResult['id'],
  status: ProbeResult['status'],
  extra: Partial<ProbeResult> = {},
): ProbeResult {
  return {
    id,
    title: id,
    status,
    summary: `${id} ${status}`,
    evidence: [{ detail: `${id} evidence` }],
    durationMs: 1,
    ...extra,
  };
}
