import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The absolute path of an executable on PATH (or given absolutely), or null. */
export function findExecutable(name: string): string | null {
  const candidates = name.includes('/')
    ? [name]
    : (process.env.PATH ?? '').split(delimiter).map((d) => join(d, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}

/**
 * Call in a suite's `before`: if a tool the suite needs is missing, the suite fails under CI=true
 * (so a broken .ci/run cannot pass silently) and is skipped, loudly, on a developer's machine.
 */
export function requireTools(context: Mocha.Context, tools: string[]): void {
  const missing = tools.filter((t) => findExecutable(t) === null);
  if (missing.length === 0) return;
  const message = `missing prerequisites: ${missing.join(', ')} (run .ci/run or see docs/dev/testing.md)`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`  SKIPPED: ${message}`);
  context.skip();
}
