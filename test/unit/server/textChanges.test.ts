import assert from 'node:assert/strict';
import type { TextChange } from '../../../src/nix/parse.js';
import { composeChange } from '../../../src/server/textChanges.js';
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
