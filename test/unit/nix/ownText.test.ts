/**
 * What the engine keeps across keystrokes keeps no earlier version of the file alive
 * (src/nix/ownText.ts): measured as the heap that survives a full collection.
 */
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ownText } from '../../../src/nix/ownText.js';
import { analyzeNix, type Analysis } from '../../../src/rules/analyze.js';
import { generateDarwinConfig } from '../../util/generateConfig.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes of heap still in use after what `make` returns stops being reachable, but for what it keeps. */
function survivingBytes<T>(make: () => T): { bytes: number; kept: T } {
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = make();
  gc();
  gc();
  return { bytes: process.memoryUsage().heapUsed - before, kept };
}

describe('ownText', () => {
  it('keeps the piece, not the text it was sliced from', () => {
    const big = () => `${'x'.repeat(16 * 1024 * 1024)}${Math.random()}`;
    const own = survivingBytes(() => ownText(big().slice(10, 40)));
    assert.equal(own.kept, 'x'.repeat(30));
    assert.ok(own.bytes < 1024 * 1024, `${own.bytes} bytes kept`);
    // What it guards against: the plain slice keeps all 16 MiB.
    const view = survivingBytes(() => big().slice(10, 40));
    assert.ok(view.bytes > 8 * 1024 * 1024, `${view.bytes} bytes kept by a plain slice`);
  });

  it('an incremental analysis keeps no copy of the text before the edit', function () {
    this.timeout(60_000);
    // The same text, made twice: the copy analysed first is unreachable but for what the analysis
    // after the edit still holds of it. A long comment at the end makes a copy of the text stand
    // out from what the analyses themselves hold.
    const original = () => `${generateDarwinConfig(20_000, 1)}\n# ${'x'.repeat(8 * 1024 * 1024)}\n`;
    const length = original().length;
    const edited = original();
    const at = edited.indexOf('\n', edited.indexOf('\n# xxx') >> 1) + 1;
    const after = `${edited.slice(0, at)}#${edited.slice(at)}`;
    after.charCodeAt(0); // one flat string, as the editor's document hands it over
    const change = { fromA: at, toA: at, fromB: at, toB: at + 1 };
    analyzeNix(after); // (what the first analysis compiles and caches is not the analysis's)
    const fresh = survivingBytes(() => analyzeNix(after));
    const incremental = survivingBytes((): Analysis => {
      const first = analyzeNix(original());
      return analyzeNix(after, {}, { parsed: first.parsed, changes: [change] });
    });
    assert.equal(incremental.kept.findings.length, fresh.kept.findings.length);
    const extra = incremental.bytes - fresh.bytes;
    assert.ok(
      extra < length / 2,
      `the incremental analysis holds ${extra} bytes more than a fresh one (the text is ${length})`,
    );
  });
});
