/**
 * `npm run bench`: speed and memory figures, run side by side in one process. Measurements, not
 * assertions: read the figures and ratios against the targets printed next to them.
 */
import { benchAnalysis } from './analysis.js';
import { benchExplain } from './explain.js';
import { benchErrorKeystrokes, benchHostile } from './hostile.js';
import { benchWorkspace } from './workspace.js';

async function main(): Promise<void> {
  console.log('# linux-builder-doctor bench');
  benchAnalysis();
  benchExplain();
  benchHostile();
  benchErrorKeystrokes();
  await benchWorkspace();
  const probes = await import('./probes.js').catch(() => undefined);
  if (probes) await probes.benchProbes();
  else console.log('\n(probe bench not built)');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
