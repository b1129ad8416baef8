/**
 * What one keystroke costs (issue 8, goal 1): re-analysis with the previous parse on generated
 * configs of 1k/20k/80k/320k lines with the growth per step (a cost that follows the edit grows
 * little; one that follows the file grows ~4x per 4x), the same at 20k lines in other shapes
 * (nested sets, one flat set, many small modules), and end to end through the real language
 * server (didChange, then a request that needs the result, no debounce), with the server's
 * resident memory after the open and after 100 edits (goal 4).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { analyzeNix, type Analysis } from '../src/rules/analyze.js';
import { ChunkedText } from '../src/nix/sourceText.js';
import { generateDarwinConfig, generateShape } from '../test/util/generateConfig.js';
import { LspClient } from '../test/server/lspClient.js';
import { median, msSpread, spread } from './stats.js';

/**
 * What a keystroke would cost to make the new text if it were kept as one string, as the server
 * kept it before ChunkedText: V8 copies the whole rope `a + b + c` on its first read. Wall times
 * and the memory pages first touched, per keystroke (docs/dev/architecture.md#the-text-of-an-open-document).
 */
function flatCopies(text: string, count: number): { times: number[]; pageFaults: number[] } {
  const at = typingPlace(text);
  const times: number[] = [];
  const pageFaults: number[] = [];
  let current = text;
  for (let i = 0; i < count + 5; i++) {
    const faults = process.resourceUsage().minorPageFault;
    const start = performance.now();
    current = current.slice(0, at + i) + (i % 2 === 0 ? '#' : ' ') + current.slice(at + i);
    current.charCodeAt(0);
    if (i < 5) continue;
    times.push(performance.now() - start);
    pageFaults.push(process.resourceUsage().minorPageFault - faults);
  }
  return { times, pageFaults };
}

/**
 * Wall times of `count` keystrokes typed one after another in the middle of `text` (after 5
 * unmeasured): the edit of the text, kept in pieces as the language server keeps it (ChunkedText),
 * and the re-analysis.
 */
function typeInto(text: string, count: number): number[] {
  let current = ChunkedText.from(text);
  let analysis: Analysis = analyzeNix(current);
  const at = typingPlace(text);
  const times: number[] = [];
  for (let i = 0; i < count + 5; i++) {
    const insert = i % 2 === 0 ? '#' : ' ';
    const offset = at + i;
    const start = performance.now();
    current = current.replace(offset, offset, insert);
    analysis = analyzeNix(
      current,
      {},
      { parsed: analysis.parsed, changes: [{ fromA: offset, toA: offset, fromB: offset, toB: offset + 1 }] },
    );
    if (i >= 5) times.push(performance.now() - start);
  }
  if (analysis.parsed.hasErrors) console.log('(these keystrokes left a syntax error: not clean keystrokes)');
  return times;
}

const lineCount = (text: string) => text.split('\n').length - 1;

/**
 * Where the keystrokes go: the start of the first line after the middle that is a whole binding
 * (`name = value;`), so the `#` typed there comments out a binding and the file stays valid (the
 * middle line of the many-module shape is a module's `}`: commenting it out is the broken-file
 * case, measured in hostile.ts).
 */
function typingPlace(text: string): number {
  let at = text.indexOf('\n', text.length >> 1) + 1;
  for (;;) {
    const end = text.indexOf('\n', at);
    if (end < 0 || /^\s*[\w."-]+ = [^\n]*;$/.test(text.slice(at, end))) return at;
    at = end + 1;
  }
}

function residentMiB(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid ?? 0}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kib / 1024;
}

async function throughServer(text: string): Promise<void> {
  const { client } = await LspClient.start();
  const uri = 'file:///bench/keystrokes.nix';
  try {
    await client.open(uri, text);
    await client.diagnostics(uri, 1, 120_000);
    const afterOpen = residentMiB(client.process.pid);
    const at = typingPlace(text);
    const line = text.slice(0, at).split('\n').length - 1;
    const times: number[] = [];
    for (let i = 0; i < 100; i++) {
      const position = { line, character: i };
      const start = performance.now();
      await client.change(uri, [
        { range: { start: position, end: position }, text: i % 2 === 0 ? '#' : ' ' },
      ]);
      await client.request('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: position, end: position },
        context: { diagnostics: [] },
      });
      if (i >= 10) times.push(performance.now() - start);
    }
    const afterEdits = residentMiB(client.process.pid);
    console.log(
      `server end to end, ${lineCount(text)} lines      ${msSpread(spread(times))}   (didChange + codeAction; target <= 5 ms median)`,
    );
    console.log(
      `server RSS, the file open         ${afterOpen.toFixed(0)} MiB; after 100 edits ${afterEdits.toFixed(0)} MiB   (target <= 80 MiB)`,
    );
  } finally {
    await client.stop();
  }
}

export async function benchKeystrokes(): Promise<void> {
  console.log('\n## One keystroke: re-analysis with the previous parse');
  // Warm up the JIT, or the first series (1k lines) pays for compiling the engine.
  typeInto(generateDarwinConfig(2_000, 2), 20);
  let previous: { lines: number; median: number } | undefined;
  let text20k: string | undefined;
  for (const lines of [1_000, 20_000, 80_000, 320_000]) {
    const text = generateDarwinConfig(lines, 1);
    const times = spread(typeInto(text, 25));
    const growth = previous
      ? `   x${(times.median / previous.median).toFixed(2)} for x${(lines / previous.lines).toFixed(0)} lines`
      : '';
    const target = lines === 20_000 ? ' (target <= 3 ms)' : lines === 320_000 ? ' (target <= 10 ms)' : '';
    console.log(
      `generated, ${String(lineCount(text)).padStart(6)} lines   ${msSpread(times)}${growth}${target}`,
    );
    previous = { lines, median: times.median };
    if (lines === 20_000) text20k = text;
  }
  for (const shape of ['nested', 'flat', 'modules'] as const) {
    // Each shape takes paths of its own through the engine (a long list of inline modules replays
    // thousands of recorded modules per keystroke): warmed up the same way, on a small file of the
    // shape, so the series measures the keystroke and not their first compilation (in a fresh
    // process the first 40 keystrokes in the modules shape take 6 ms median, later ones 1.7 ms).
    typeInto(generateShape(shape, 2_000), 20);
    const text = generateShape(shape, 20_000);
    console.log(
      `${`${shape},`.padEnd(10)} ${String(lineCount(text)).padStart(6)} lines   ${msSpread(spread(typeInto(text, 25)))}`,
    );
  }
  if (text20k) {
    // For comparison: the copy the figures above no longer pay. Mostly the fresh memory it lands
    // in: page faults, expensive in some VMs.
    const copies = flatCopies(text20k, 25);
    console.log(
      `the new text as one string, ${lineCount(text20k)} lines (${(text20k.length / 1024).toFixed(0)} KiB): ${msSpread(spread(copies.times))}, ${median(copies.pageFaults)} page faults each   (what each keystroke would add if the text were kept whole; ChunkedText avoids it)`,
    );
  }
  await throughServer(generateDarwinConfig(20_000, 1));
}
