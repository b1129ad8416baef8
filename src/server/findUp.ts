/** Files shipped beside the server: found from the bundle (dist/) or the compiled sources (out/src/server/). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function findUp(relative: string, maxLevels = 5): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up <= maxLevels; up++) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

/** The version in the project's package.json, for the server info and the doctor report. */
export function toolVersion(): string {
  const file = findUp('package.json');
  try {
    const parsed: unknown = file ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
    const version = (parsed as { version?: unknown } | undefined)?.version;
    return typeof version === 'string' ? version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
