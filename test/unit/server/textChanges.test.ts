import assert from 'node:assert/strict';
import type { TextChange } from '../../../src/nix/parse.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position } from 'vscode-languageserver';
import { combineDescending, composeChange, composeEdits } from '../../../src/server/textChanges.js';
import { seededRandom } from '../../util/random.js';

/** Checks that `changes` really describe old -> new: sorted, disjoint, and every gap unchanged. */
function assertDescribes(changes: readonly TextChange[], oldText: string, newText: string): void {
  let posA = 0;
  let posB = 0;
  for (const c of changes) {
    assert.ok(c.fromA >= posA && c.fromB >= posB, `unsorted/overlapping ${JSON.stringify(changes)}`);
    assert.ok(c.toA >= c.fromA && c.toB >= c.fromB, `inverted ${JSON.stringify(c)}`);
    assert.equal(c.fromA - posA, c.fromB - posB, 'gap lengths differ');
    assert.equal(oldText.slice(posA, c.fromA), newText.slice(posB, c.fromB), 'gap text differs');
    posA = c.toA;
    posB = c.toB;
  }
  assert.equal(oldText.length - posA, newText.length - posB, 'tail lengths differ');
  assert.equal(oldText.slice(posA), newText.slice(posB), 'tail differs');
}

describe('composeChange (LSP content changes -> Lezer changed ranges)', () => {
  it('maps a single replacement to old and new coordinates', () => {
    const changes = composeChange([], 4, 7, 5);
    assert.deepEqual(changes, [{ fromA: 4, toA: 7, fromB: 4, toB: 9 }]);
  });

  it('keeps two separate edits apart and shifts the later one', () => {
    // "abcdefghij": replace "b" by "XYZ", then (in new coordinates) delete "hi".
    let changes = composeChange([], 1, 2, 3);
    changes = composeChange(changes, 9, 11, 0);
    assert.deepEqual(changes, [
      { fromA: 1, toA: 2, fromB: 1, toB: 4 },
      { fromA: 7, toA: 9, fromB: 9, toB: 9 },
    ]);
  });

  it('sorts an edit made before an earlier one', () => {
    let changes = composeChange([], 8, 8, 2);
    changes = composeChange(changes, 1, 2, 0);
    assert.deepEqual(changes, [
      { fromA: 1, toA: 2, fromB: 1, toB: 1 },
      { fromA: 8, toA: 8, fromB: 7, toB: 9 },
    ]);
  });

  it('merges an edit that overlaps two earlier ones', () => {
    const oldText = '0123456789abcdef';
    let text = oldText;
    let changes: TextChange[] = [];
    const apply = (from: number, to: number, insert: string): void => {
      changes = composeChange(changes, from, to, insert.length);
      text = text.slice(0, from) + insert + text.slice(to);
    };
    apply(2, 3, 'AA');
    apply(8, 9, '');
    apply(1, 9, 'Z');
    assert.equal(changes.length, 1);
    assertDescribes(changes, oldText, text);
  });

  it('ignores empty edits', () => {
    assert.deepEqual(composeChange([], 3, 3, 0), []);
  });

  it('describes the real change for 2,000 random edit sequences (seeded)', () => {
    const seed = Number(process.env.LBD_SEED ?? 20261129);
    const random = seededRandom(seed);
    const alphabet = 'ab{};=" \n';
    for (let round = 0; round < 2000; round++) {
      const oldText = Array.from(
        { length: Math.floor(random() * 40) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join('');
      let text = oldText;
      let changes: TextChange[] = [];
      const steps = 1 + Math.floor(random() * 8);
      for (let s = 0; s < steps; s++) {
        const from = Math.floor(random() * (text.length + 1));
        const to = from + Math.floor(random() * (text.length - from + 1) * (random() < 0.5 ? 0.3 : 1));
        const insert = Array.from(
          { length: Math.floor(random() * 5) },
          () => alphabet[Math.floor(random() * alphabet.length)],
        ).join('');
        changes = composeChange(changes, from, to, insert.length);
        text = text.slice(0, from) + insert + text.slice(to);
      }
      try {
        assertDescribes(changes, oldText, text);
      } catch (error) {
        throw new Error(`seed ${seed}, round ${round}: ${String(error)}`);
      }
    }
  });
});

describe('combineDescending (several cursors: one change, one copy of the text)', () => {
  const alphabet = 'ab{};=" \n\r\n';
  const randomText = (random: () => number, length: number): string =>
    Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');

  it('gives the text, the positions and the changed ranges of the changes applied one by one (3,000 random notifications, seeded)', () => {
    const seed = Number(process.env.LBD_SEED ?? 20261202);
    const random = seededRandom(seed);
    let combinedCount = 0;
    for (let round = 0; round < 3000; round++) {
      const before = TextDocument.create(
        'file:///t.nix',
        'nix',
        1,
        randomText(random, Math.floor(random() * 60)),
      );
      // Positions anywhere, also past a line's end or between \r and \n (the library clamps them).
      const position = () => ({
        line: Math.floor(random() * (before.lineCount + 1)),
        character: Math.floor(random() * 12),
      });
      // Half the notifications are ranges taken from the end of the text towards its start, as
      // editors send several cursors; the rest are in any order (then only the fallback applies).
      const descending = random() < 0.5;
      const count = 2 + Math.floor(random() * 5);
      let changes: { range: { start: Position; end: Position }; text: string }[];
      if (descending) {
        const offsets = Array.from({ length: count * 2 }, () =>
          Math.floor(random() * (before.getText().length + 1)),
        ).sort((x, y) => y - x);
        changes = Array.from({ length: count }, (_, i) => ({
          range: {
            start: before.positionAt(offsets[2 * i + 1] ?? 0),
            end: before.positionAt(offsets[2 * i] ?? 0),
          },
          text: randomText(random, Math.floor(random() * 4)),
        }));
      } else {
        changes = Array.from({ length: count }, () => ({
          range: { start: position(), end: position() },
          text: randomText(random, Math.floor(random() * 4)),
        }));
      }
      // One by one, as the server applied them (documents.ts), composing the changed ranges. (The
      // library's update changes the document it is given: a copy, so `before` stays as it was.)
      let oneByOne = TextDocument.create('file:///t.nix', 'nix', 1, before.getText());
      let ranges: TextChange[] = [];
      for (const change of changes) {
        const a = oneByOne.offsetAt(change.range.start);
        const b = oneByOne.offsetAt(change.range.end);
        ranges = composeChange(ranges, Math.min(a, b), Math.max(a, b), change.text.length);
        oneByOne = TextDocument.update(oneByOne, [change], 2);
      }
      const combined = combineDescending(before, changes);
      if (combined === undefined) continue;
      combinedCount++;
      const together = TextDocument.update(
        TextDocument.create('file:///t.nix', 'nix', 1, before.getText()),
        [combined.change],
        2,
      );
      const combinedRanges = composeEdits([], combined.edits);
      const where = `seed ${seed}, round ${round}: ${JSON.stringify({ text: before.getText(), changes })}`;
      assert.equal(together.getText(), oneByOne.getText(), where);
      assert.equal(together.lineCount, oneByOne.lineCount, where);
      for (let offset = 0; offset <= oneByOne.getText().length; offset++)
        assert.deepEqual(together.positionAt(offset), oneByOne.positionAt(offset), where);
      assert.deepEqual(combinedRanges, ranges, where);
    }
    assert.ok(combinedCount > 500, `only ${combinedCount} notifications were combined`);
  });

  it('leaves one change, and changes that touch or are not from the end towards the start, to be applied one by one', () => {
    const document = TextDocument.create('file:///t.nix', 'nix', 1, 'abcdef\nghij\n');
    const at = (line: number, character: number) => ({ line, character });
    const change = (from: Position, to: Position, text = 'X') => ({ range: { start: from, end: to }, text });
    assert.equal(combineDescending(document, [change(at(0, 1), at(0, 2))]), undefined);
    assert.equal(
      combineDescending(document, [change(at(0, 1), at(0, 2)), change(at(1, 1), at(1, 2))]),
      undefined,
    );
    assert.equal(
      combineDescending(document, [change(at(0, 3), at(0, 4)), change(at(0, 2), at(0, 3))]),
      undefined,
    );
    const both = combineDescending(document, [change(at(1, 1), at(1, 2), 'Y'), change(at(0, 1), at(0, 2))]);
    assert.deepEqual(both?.change, { range: { start: at(0, 1), end: at(1, 2) }, text: 'Xcdef\ngY' });
  });
});
