import assert from 'node:assert/strict';
import { EditChain } from '../../../src/nix/editChain.js';
import { seededRandom } from '../../util/random.js';
import { itemAt } from '../../util/itemAt.js';

describe('EditChain', () => {
  it('gives the same text as applying its edits one after another, with edits that never overlap', () => {
    const random = seededRandom(7);
    for (let round = 0; round < 500; round++) {
      const original = 'abcdefghijklmnopqrstuvwxyz'.slice(0, 5 + Math.floor(random() * 20));
      const chain = new EditChain(original);
      let expected = original;
      for (let step = 0; step < 1 + Math.floor(random() * 5); step++) {
        const from = Math.floor(random() * (expected.length + 1));
        const to = Math.min(expected.length, from + Math.floor(random() * 4));
        const newText = itemAt(['', 'X', 'YZ', '\n'], Math.floor(random() * 4));
        chain.add({ from, to, newText });
        expected = expected.slice(0, from) + newText + expected.slice(to);
      }
      assert.equal(chain.text, expected);
      const edits = chain.edits;
      let out = original;
      for (const [k, e] of [...edits.entries()].reverse()) {
        if (k > 0)
          assert.ok(
            itemAt(edits, k - 1).to < e.from,
            `round ${round}: edits touch or overlap ${JSON.stringify(edits)}`,
          );
        out = out.slice(0, e.from) + e.newText + out.slice(e.to);
      }
      assert.equal(out, expected, `round ${round}: ${JSON.stringify(edits)}`);
    }
  });

  it('maps offsets of the original text, and refuses those inside an edit', () => {
    const chain = new EditChain('0123456789');
    chain.add({ from: 2, to: 5, newText: 'ab' });
    assert.equal(chain.map(1), 1);
    assert.equal(chain.map(2, 'before'), 2);
    assert.equal(chain.map(3), undefined);
    assert.equal(chain.map(5, 'after'), 4);
    assert.equal(chain.map(9), 8);
    assert.deepEqual(chain.mapSpan({ from: 0, to: 10 }), { from: 0, to: 9 });
  });
});
