import assert from 'node:assert/strict';
import { LazyLineIndex } from '../../../src/nix/lazyLines.js';
import { LineIndex } from '../../../src/nix/lines.js';

describe('LazyLineIndex', () => {
  it("gives LineIndex's position for every offset, asked in any order, with \\n, \\r\\n and \\r breaks", () => {
    const texts = [
      '',
      'a',
      '\n',
      '\r\n',
      '\r',
      'ab\ncd\r\nef\rgh\n\n\r\r\n',
      '{\r\n  a = 1;\r\n}\r\n',
      'x\r',
      'x\r\n',
    ];
    for (const text of texts) {
      const offsets = Array.from({ length: text.length + 3 }, (_, i) => i - 1);
      for (const order of [
        offsets,
        [...offsets].reverse(),
        offsets.filter((_, i) => i % 2).concat(offsets.filter((_, i) => i % 2 === 0)),
      ]) {
        const lazy = new LazyLineIndex(text);
        const full = new LineIndex(text);
        for (const offset of order)
          assert.deepEqual(
            lazy.positionAt(offset),
            full.positionAt(offset),
            `${JSON.stringify(text)} at ${offset}`,
          );
      }
    }
  });
});
