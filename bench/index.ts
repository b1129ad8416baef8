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
  // The probe runs first, in a process the size of the CLI's or the server's: each command it
  // starts forks this process (libuv on Linux, CONTRIBUTING.md), which costs with its size, and
  // the parts below leave it at ~550 MiB resident (400 MiB of heap not yet collected), which no
  // process of the product reaches (the server stays under 80 MiB).
  if (wanted('probes')) {
    const probes = await import('./probes.js').catch(() => undefined);
    if (probes) await probes.benchProbes();
    else console.log('\n(probe bench not built)');
  }
  if (wanted('analysis')) benchAnalysis();
  if (wanted('keystrokes')) await benchKeystrokes();
  if (wanted('explain')) benchExplain();
  if (wanted('hostile')) {
    benchHostile();
    benchErrorKeystrokes();
  }
  if (wanted('workspace')) await benchWorkspace();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
