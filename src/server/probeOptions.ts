/** Probe run options from a request's parameters and the server settings. */
import { PROBE_IDS, type ProbeId } from '../protocol/probes.js';
import type { RunProbesParams } from '../protocol/lsp.js';
import type { ProbeRunOptions } from '../probes/run.js';
import type { ServerSettings } from './settings.js';

export const optionalString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const optionalTimeout = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;

/** Request parameters override the settings; anything ill-typed from the client is ignored. */
export function probeRunOptions(
  params: Partial<RunProbesParams> | undefined,
  settings: ServerSettings,
  signal: AbortSignal,
): ProbeRunOptions {
  const options: ProbeRunOptions = { signal };
  const root = optionalString(params?.root) ?? settings.probeRoot;
  const timeoutMs = optionalTimeout(params?.timeoutMs) ?? settings.probeTimeoutMs;
  const builderHost = optionalString(params?.builderHost) ?? settings.builderHost;
  if (root !== undefined) options.root = root;
  if (root !== undefined && (params?.trustRoot === true || settings.probeTrustRoot)) options.trustRoot = true;
  if (timeoutMs !== undefined) options.timeoutMs = timeoutMs;
  if (builderHost !== undefined) options.builderHost = builderHost;
  if (Array.isArray(params?.only)) {
    const known = new Set<string>(PROBE_IDS);
    options.only = params.only.filter((id): id is ProbeId => typeof id === 'string' && known.has(id));
  }
  return options;
}
