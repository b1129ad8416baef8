import assert from 'node:assert/strict';
import { LineIndex } from '../../../src/nix/lines.js';
import type { TextChange } from '../../../src/nix/parse.js';
import type { Position } from '../../../src/protocol/findings.js';

/** The oracle: every offset's position, by walking the text once (breaks: \n, \r\n, \r). */
function positionsOf(text: string): Position[] {
  const out: Position[] = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i <= text.length; i++) {
    out.push({ line, character });
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) {
      line++;
      character = 0;
    } else character++;
  }
  return out;
}

const TEXTS = [
  '',
  'a',
  '\n',
  '\r\n',
  '\r',
  'ab\ncd\r\nef\rgh\n\n\r\r\n',
  '{\r\n  a = 1;\r\n}\r\n',
  'x\r',
  'x\r\n',
  'ab\n\ncde\nf',
  '\n\n x\n',
];

/** Offsets (and lines) in three orders: the index scans lazily, so the order of questions must not matter. */
function orders(values: number[]): number[][] {
  return [
    values,
    [...values].reverse(),
    values.filter((_, i) => i % 2).concat(values.filter((_, i) => i % 2 === 0)),
  ];
}

describe('LineIndex', () => {
  it('gives the position of every offset, asked in any order, with \\n, \\r\\n and \\r breaks (clamped outside the text)', () => {
    for (const text of TEXTS) {
      const expected = positionsOf(text);
      for (const order of orders(Array.from({ length: text.length + 3 }, (_, i) => i - 1))) {
        const index = new LineIndex(text);
        for (const offset of order) {
          const clamped = Math.max(0, Math.min(offset, text.length));
          assert.deepEqual(
            index.positionAt(offset),
            expected[clamped],
            `${JSON.stringify(text)} at ${offset}`,
          );
        }
      }
    }
  });

  it('gives the offset of every position, asked in any order; a character past the line end stops at the next line', () => {
    for (const text of TEXTS) {
      const expected = positionsOf(text);
      const lineCount = (expected.at(-1)?.line ?? 0) + 1;
      for (const order of orders(Array.from({ length: lineCount + 1 }, (_, i) => i))) {
        const index = new LineIndex(text);
        for (const line of order) {
          const offsets = expected.flatMap((p, offset) => (p.line === line ? [offset] : []));
          const start = offsets[0] ?? text.length;
          const next = expected.findIndex((p) => p.line > line);
          for (const [character, want] of [
            [0, start],
            [1, Math.min(start + 1, next === -1 ? text.length : next)],
            [99, next === -1 ? text.length : next],
          ] as const)
            assert.equal(
              index.offsetAt({ line, character }),
              want,
              `${JSON.stringify(text)} at ${line}:${character}`,
            );
        }
      }
    }
  });

  it('made from the index of the text before an edit (LineIndex.after), gives what a fresh index gives, however far the old one had searched', () => {
    // A small seeded generator, so a failure names a case that can be run again.
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pieces = ['a', 'bc', '\n', ' = 1;\n', '\n\n', 'x'];
    const someText = (withReturn: boolean): string => {
      let text = '';
      for (let n = random(40); n > 0; n--) text += pieces[random(pieces.length)] ?? '';
      return withReturn && text.length > 0 ? `${text.slice(0, 3)}\r${text.slice(3)}` : text;
    };
    let multiple = 0;
    for (let round = 0; round < 400; round++) {
      const before = someText(round % 25 === 0);
      // Up to three edits, in order and apart, as LSP's composed changes are (server/textChanges.ts).
      const changes: TextChange[] = [];
      let after = '';
      let a = 0; // where the unchanged text since the last edit starts
      for (let k = random(3) + 1; k > 0; k--) {
        const fromA = a + (changes.length > 0 ? 1 : 0) + random(Math.max(1, before.length - a));
        if (fromA > before.length) break;
        const toA = Math.min(before.length, fromA + random(4));
        const inserted = someText(round % 31 === 0).slice(0, random(6));
        after += before.slice(a, fromA);
        const fromB = after.length;
        after += inserted;
        changes.push({ fromA, toA, fromB, toB: after.length });
        a = toA;
      }
      if (changes.length === 0) continue;
      after += before.slice(a);
      let replayed = before;
      for (const c of [...changes].reverse())
        replayed = replayed.slice(0, c.fromA) + after.slice(c.fromB, c.toB) + replayed.slice(c.toA);
      assert.equal(replayed, after, 'the changes describe the edit');
      multiple += changes.length > 1 ? 1 : 0;
      const old = new LineIndex(before);
      // The old index searched some way into its text (or not at all).
      if (random(4) > 0) old.positionAt(random(before.length + 1));
      const derived = LineIndex.after(old, changes, after);
      const expected = positionsOf(after);
      for (const offset of orders(Array.from({ length: after.length + 1 }, (_, i) => i))[random(3)] ?? [])
        assert.deepEqual(
          derived.positionAt(offset),
          expected[offset],
          `${JSON.stringify(before)} → ${JSON.stringify(after)} ${JSON.stringify(changes)} at ${offset}`,
        );
    }
    assert.ok(multiple > 50, `edits of several changes were tried (${multiple})`);
  });
});
