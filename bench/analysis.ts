/**
 * Analysis speed on a generated 20,000-line nix-darwin configuration (issue 2): cold parse+analysis,
 * one incremental keystroke re-analysis, the raw Lezer parse (the floor), and the real Nix parser
 * (`nix-instantiate --parse`) on the same file, with the ratios. Medians over runs, one process.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { locate } from '../src/nix/locate.js';
import { parser } from '../src/nix/parser.js';
import { analyzeNix, type Analysis } from '../src/rules/analyze.js';
import { generateDarwinConfig } from '../test/util/generateConfig.js';
import { median, ms, msSpread, ratio, ratioSpread, spread, timePairs } from './stats.js';

export function benchAnalysis(lines = 20_000): void {
  const text = generateDarwinConfig(lines, 1);
  const actualLines = text.split('\n').length;
  const runs = 15;

  // Cold analysis and the raw parse interleaved (issue 8, goal 6): the ratio is judged per pair.
  const pairs = timePairs(
    () => {
      analyzeNix(text);
    },
    () => {
      parser.parse(text);
    },
    9,
  );
  const coldSpread = spread(pairs.a);
  const rawSpread = spread(pairs.b);
  const ratioOfPairs = spread(pairs.ratios);
  const cold = coldSpread.median;

  // (One keystroke's cost, at several sizes and shapes: keystrokes.ts.)
  const analysis: Analysis = analyzeNix(text);
  // The rules read a few option paths; the whole file's definitions (hover, completion) are
  // located when first needed: what the first hover after opening costs.
  // Timed on its own, each run on a fresh parse made outside the timer: the locate memo lives on
  // the parse, so a reused one would time a warm read (subtracting another series' cold median
  // instead printed negative figures when the two drifted apart with the machine's load).
  const locateTimes: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const fresh = analyzeNix(text).parsed;
    const start = performance.now();
    void locate(fresh).definitions;
    if (i >= 2) locateTimes.push(performance.now() - start);
  }
  const fullLocate = spread(locateTimes);

  const dir = mkdtempSync(join(tmpdir(), 'lbd-bench-'));
  let nixParse = NaN;
  try {
    const file = join(dir, 'big.nix');
    writeFileSync(file, text);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      const run = spawnSync('nix-instantiate', ['--parse', file], { stdio: ['ignore', 'ignore', 'pipe'] });
      times.push(performance.now() - start);
      if (run.status !== 0) {
        times.length = 0;
        break;
      }
    }
    if (times.length) nixParse = median(times);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  console.log(
    `\n## Analysis of a generated nix-darwin config: ${actualLines} lines, ${(text.length / 1024).toFixed(0)} KiB, ${analysis.findings.length} findings`,
  );
  console.log(
    `cold vs raw parse, ${pairs.ratios.length} interleaved pairs (A B A B …, after 2 warm-up pairs):`,
  );
  console.log(
    `  raw Lezer parse (floor; with the engine's action memo, src/nix/actionMemo.ts) ${msSpread(rawSpread)}`,
  );
  console.log(`  cold parse + analysis          ${msSpread(coldSpread)}`);
  console.log(`  cold / raw, per pair           ${ratioSpread(ratioOfPairs)}   (target <= 1.3x median)`);
  console.log(
    `full locate, first read (hover)  ${msSpread(fullLocate)}   (every definition, for hover/completion; analysis defers it)`,
  );
  console.log(
    `nix-instantiate --parse          ${Number.isNaN(nixParse) ? 'n/a (nix-instantiate missing or failed)' : `${ms(nixParse)}   (cold analysis is ${ratio(cold, nixParse)} of it)`}`,
  );
  const memory = process.memoryUsage();
  console.log(
    `heap used after analysis         ${(memory.heapUsed / 1024 / 1024).toFixed(1)} MiB (rss ${(memory.rss / 1024 / 1024).toFixed(0)} MiB)`,
  );
}
