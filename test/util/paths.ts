import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from out/test/util/paths.js (tests run from out/, fixtures live in test/). */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const fixturesDir = join(projectRoot, 'test', 'fixtures');
export const examplesDir = join(projectRoot, 'examples');
export const distCli = join(projectRoot, 'dist', 'cli.cjs');
export const distServer = join(projectRoot, 'dist', 'server.cjs');

/** The CLI's bundles: dist/cli.cjs and those it loads when needed (for a test that copies the CLI elsewhere). */
export function distCliBundles(): string[] {
  const dist = dirname(distCli);
  return readdirSync(dist)
    .filter((f) => /^(cli(-\w+)?|checkWorker)\.cjs$/.test(f))
    .map((f) => join(dist, f));
}
