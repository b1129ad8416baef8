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
import { generateDarwinConfig, generateShape } from '../test/util/generateConfig.js';
import { LspClient } from '../test/server/lspClient.js';
import { median, msSpread, spread } from './stats.js';

/** What making each new text cost: wall time, and the memory pages the process touched for the first time. */
interface Copies {
  times: number[];
  pageFaults: number[];
}

/**
 * Wall times of `count` keystrokes typed one after another in the middle of `text` (after 5
 * unmeasured), and of making each new text.
 */
function typeInto(text: string, count: number, copies: Copies = { times: [], pageFaults: [] }): number[] {
  let analysis: Analysis = analyzeNix(text);
  let current = text;
  const at = typingPlace(text);
  const times: number[] = [];
  for (let i = 0; i < count + 5; i++) {
    const insert = i % 2 === 0 ? '#' : ' ';
    const offset = at + i;
    const faults = process.resourceUsage().minorPageFault;
    let start = performance.now();
    const next = current.slice(0, offset) + insert + current.slice(offset);
    // The new text is a rope until first read; reading it copies the whole file once (the
    // editor's document does the same): timed on its own, not as re-analysis.
    next.charCodeAt(0);
    if (i >= 5) {
      copies.times.push(performance.now() - start);
      copies.pageFaults.push(process.resourceUsage().minorPageFault - faults);
    }
    start = performance.now();
    analysis = analyzeNix(
      next,
      {},
      { parsed: analysis.parsed, changes: [{ fromA: offset, toA: offset, fromB: offset, toB: offset + 1 }] },
    );
    if (i >= 5) times.push(performance.now() - start);
    current = next;
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
  let newText: { text: string; copies: Copies } | undefined;
  for (const lines of [1_000, 20_000, 80_000, 320_000]) {
    const text = generateDarwinConfig(lines, 1);
    const copies: Copies = { times: [], pageFaults: [] };
    const times = spread(typeInto(text, 25, copies));
    const growth = previous
      ? `   x${(times.median / previous.median).toFixed(2)} for x${(lines / previous.lines).toFixed(0)} lines`
      : '';
    const target = lines === 20_000 ? ' (target <= 3 ms)' : lines === 320_000 ? ' (target <= 10 ms)' : '';
    console.log(
      `generated, ${String(lineCount(text)).padStart(6)} lines   ${msSpread(times)}${growth}${target}`,
    );
    previous = { lines, median: times.median };
    if (lines === 20_000) newText = { text, copies };
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
  if (newText) {
    // A JavaScript string is flat: each keystroke's text is a new copy of the file, which any
    // editor's document pays (vscode-languageserver-textdocument's update makes it). What that
    // copy costs is mostly the fresh memory it lands in: page faults, expensive in some VMs.
    const { text, copies } = newText;
    console.log(
      `the new text itself, ${lineCount(text)} lines (${(text.length / 1024).toFixed(0)} KiB): ${msSpread(spread(copies.times))}, ${median(copies.pageFaults)} page faults each   (not in the figures above; the server's didChange pays it)`,
    );
  }
  await throughServer(generateDarwinConfig(20_000, 1));
}
