import type { CliIo } from '../io.js';

/** Placeholder until the analysis engine lands (issue 2). */
export function runCheckCommand(_args: string[], io: CliIo): Promise<number> {
  io.stderr('linux-builder-doctor check: not available in this build yet\n');
  return Promise.resolve(2);
}
