import assert from 'node:assert/strict';
import { LineIndex } from '../../../src/nix/lines.js';
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
});
