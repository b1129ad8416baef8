/**
 * Every probe: the files under probes/checks/ that declare one (listed by scripts/build.mjs in
 * checks/index.ts, so adding a probe touches no list here), in the chain order the verdict reads
 * them, which is the order of PROBE_IDS (src/protocol/probes.ts, the public contract).
 */
import { PROBE_IDS } from '../protocol/probes.js';
import type { ProbeDefinition } from './context.js';
import { ALL_PROBES } from './checks/index.js';

const chainPosition = (probe: ProbeDefinition): number => PROBE_IDS.indexOf(probe.id);

export const PROBES: readonly ProbeDefinition[] = [...ALL_PROBES].sort(
  (a, b) => chainPosition(a) - chainPosition(b),
);
