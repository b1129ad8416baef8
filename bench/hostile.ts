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
import { ChunkedText } from '../src/nix/sourceText.js';
import { generateDarwinConfig } from '../test/util/generateConfig.js';
import { oneSyntaxError } from '../test/util/syntaxErrors.js';
import { msSpread, ratioSpread, spread } from './stats.js';

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
 * re-analysed incrementally after each as the language server does, on the text kept in pieces as
 * the server keeps it (ChunkedText). 200 keystrokes, because typing is a long run: over 25 the clean
 * file's keystrokes were still warming up (0.75 ms against 0.40 ms in a long run here) and the
 * mistyped `in` read 2.04x where a long run gives 2.7x.
 */
export function benchErrorKeystrokes(lines = 20_000, keystrokes = 200): void {
  const base = generateDarwinConfig(lines, 1);
  const kinds = ['unclosed-string', 'mistyped-in', 'missing-semicolon'] as const;
  /** One file being typed into: its analysis, its text, and where the typing happens. */
  const typed = [base, ...kinds.map((kind) => oneSyntaxError(base, kind).text)].map((text) => ({
    analysis: analyzeNix(ChunkedText.from(text)),
    current: ChunkedText.from(text),
    at: text.indexOf('\n', Math.floor((text.length * 2) / 3)) + 1,
    times: [] as number[],
  }));
  // Interleaved (clean, then each broken file, keystroke by keystroke), so the machine's load and
  // the JIT's warm-up fall on all alike; the ratio is taken per round, then its median.
  for (let i = 0; i < keystrokes + 3; i++) {
    for (const file of typed) {
      const offset = file.at + i;
      const start = performance.now();
      const next = file.current.replace(offset, offset, i % 2 === 0 ? '#' : ' ');
      file.analysis = analyzeNix(
        next,
        {},
        {
          parsed: file.analysis.parsed,
          changes: [{ fromA: offset, toA: offset, fromB: offset, toB: offset + 1 }],
        },
      );
      if (i >= 3) file.times.push(performance.now() - start);
      file.current = next;
    }
  }
  const [clean, ...broken] = typed;
  if (!clean) return;
  console.log(`\n## keystrokes with one syntax error (${lines} lines; target <= 2x clean, median)`);
  // The ratios mean something only while the clean file stayed clean and each broken one broken.
  const stayed =
    clean.analysis.parsed.hasErrors === false &&
    broken.every((file) => file.analysis.parsed.hasErrors === true);
  if (!stayed)
    console.log(
      '**The typing changed which files have a syntax error: these ratios compare the wrong files.**',
    );
  console.log(
    `${keystrokes} keystrokes per file, interleaved round by round; ratio: median of the rounds' ratios (min–max).`,
  );
  console.log('| file | keystroke re-analysis | ratio to clean |');
  console.log('|---|---|---|');
  console.log(`| clean | ${msSpread(spread(clean.times))} | 1.00x |`);
  kinds.forEach((kind, k) => {
    const times = broken[k]?.times ?? [];
    const ratios = times.map((t, i) => t / (clean.times[i] ?? NaN));
    console.log(`| ${kind} | ${msSpread(spread(times))} | ${ratioSpread(spread(ratios))} |`);
  });
}
