/**
 * Hostile shapes (issue 10 item 8, docs/dev/security.md#nothing-hangs-or-crashes-on-hostile-nix):
 * the time to parse each generated shape at 50k and 200k, and how it ends (parsed, or stopped as
 * beyond the parser's limits). Linear shapes grow ~4× per 4× size; the quadratic tokenizer took
 * 10 s for 10,000 dotted components.
 */
import { BeyondParserLimits, parseNix } from '../src/nix/parse.js';
import { hostileShapes } from '../test/util/hostileShapes.js';
import { spread, msSpread } from './stats.js';

function outcome(text: string): string {
  try {
    return parseNix(text).hasErrors ? 'syntax errors' : 'parsed';
  } catch (error) {
    return error instanceof BeyondParserLimits ? `beyond limits (${error.limit})` : `threw ${String(error)}`;
  }
}

export function benchHostile(runs = 3): void {
  console.log('\n## hostile shapes (parse; target: linear, no false syntax error)');
  console.log('| shape | 50k | 200k | growth ×4 | outcome |');
  console.log('|---|---|---|---|---|');
  for (const name of Object.keys(hostileShapes) as (keyof typeof hostileShapes)[]) {
    const times = [50_000, 200_000].map((n) => {
      const text = hostileShapes[name](n);
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const start = performance.now();
        outcome(text);
        samples.push(performance.now() - start);
      }
      return spread(samples);
    });
    const [small, big] = times;
    if (!small || !big) continue;
    console.log(
      `| ${name} | ${msSpread(small)} | ${msSpread(big)} | ${(big.median / Math.max(small.median, 0.01)).toFixed(1)}x | ${outcome(hostileShapes[name](200_000))} |`,
    );
  }
}
