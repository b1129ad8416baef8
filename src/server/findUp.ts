/** Files shipped beside the server: found from the bundle (dist/) or the compiled sources (out/src/server/). */
import { existsSync } from 'node:fs';
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
