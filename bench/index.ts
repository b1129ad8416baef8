/**
 * `npm run bench`: speed and memory figures, run side by side in one process. Measurements, not
 * assertions: read the figures and ratios against the targets printed next to them.
 */
import { benchAnalysis } from './analysis.js';
import { benchExplain } from './explain.js';
import { benchErrorKeystrokes, benchHostile } from './hostile.js';
import { benchKeystrokes } from './keystrokes.js';
import { benchWorkspace } from './workspace.js';

async function main(): Promise<void> {
  // `npm run bench -- keystrokes probes`: only those parts.
  const parts = process.argv.slice(2);
  const wanted = (part: string) => parts.length === 0 || parts.includes(part);
  console.log('# linux-builder-doctor bench');
  if (wanted('analysis')) benchAnalysis();
  if (wanted('keystrokes')) await benchKeystrokes();
  if (wanted('explain')) benchExplain();
  if (wanted('hostile')) {
    benchHostile();
    benchErrorKeystrokes();
  }
  if (wanted('workspace')) await benchWorkspace();
  if (!wanted('probes')) return;
  const probes = await import('./probes.js').catch(() => undefined);
  if (probes) await probes.benchProbes();
  else console.log('\n(probe bench not built)');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
