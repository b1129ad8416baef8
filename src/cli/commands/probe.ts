import type { CliIo } from '../io.js';

/** Placeholder until the probe work (issue 3) lands; says so rather than pretending. */
export function runProbeCommand(_args: string[], io: CliIo): Promise<number> {
  io.stderr('linux-builder-doctor probe: not available in this build yet\n');
  return Promise.resolve(2);
}
