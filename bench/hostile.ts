/**
 * Hostile shapes, and keystrokes in a file with a syntax error.
 *
 * Hostile shapes (issue 10 item 8, docs/dev/security.md#nothing-hangs-or-crashes-on-hostile-nix):
 * the time to parse each generated shape at 50k and 200k, and how it ends (parsed, or stopped as
 * beyond the parser's limits). Linear shapes grow ~4× per 4× size; the quadratic tokenizer took
 * 10 s for 10,000 dotted components.
 */
import { BeyondParserLimits, parseNix } from '../src/nix/parse.js';
import { hostileShapes } from '../test/util/hostileShapes.js';
import { analyzeNix } from '../src/rules/analyze.js';
import { generateDarwinConfig } from '../test/util/generateConfig.js';
import { oneSyntaxError } from '../test/util/syntaxErrors.js';
import { msSpread, ratio, spread, type Spread } from './stats.js';

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

/**
 * Keystrokes while the file has one syntax error (issue 8, goal 2; target <= 2x the clean
 * keystroke): the generated 20,000-line configuration with each kind of error planted a third of
 * the way in (test/util/syntaxErrors.ts), one character typed at a time two thirds of the way in,
 * re-analysed incrementally after each as the language server does.
 */
export function benchErrorKeystrokes(lines = 20_000, keystrokes = 25): void {
  const base = generateDarwinConfig(lines, 1);
  const series = (text: string): Spread => {
    let analysis = analyzeNix(text);
    let current = text;
    const at = current.indexOf('\n', Math.floor((current.length * 2) / 3)) + 1;
    const times: number[] = [];
    for (let i = 0; i < keystrokes + 3; i++) {
      const offset = at + i;
      const next = `${current.slice(0, offset)}${i % 2 === 0 ? '#' : ' '}${current.slice(offset)}`;
      const start = performance.now();
      analysis = analyzeNix(
        next,
        {},
        {
          parsed: analysis.parsed,
          changes: [{ fromA: offset, toA: offset, fromB: offset, toB: offset + 1 }],
        },
      );
      times.push(performance.now() - start);
      current = next;
    }
    return spread(times.slice(3));
  };
  const clean = series(base);
  console.log(`\n## keystrokes with one syntax error (${lines} lines; target <= 2x clean, median)`);
  console.log('| file | keystroke re-analysis | ratio to clean |');
  console.log('|---|---|---|');
  console.log(`| clean | ${msSpread(clean)} | 1.00x |`);
  for (const kind of ['unclosed-string', 'mistyped-in', 'missing-semicolon'] as const) {
    const broken = series(oneSyntaxError(base, kind).text);
    console.log(`| ${kind} | ${msSpread(broken)} | ${ratio(broken.median, clean.median)} |`);
  }
}
