/**
 * Which subtrees locate records for replay (locate.ts, memoStart): every one in the first locate of
 * a document, and one an incremental parse made only when it is read a second time, since most of
 * those are the runs around the edit that the next keystroke makes again. Recording them copied
 * thousands of objects per keystroke in a file of many modules, which then outlived young-generation
 * collections.
 */
import assert from 'node:assert/strict';
import { IterMode, Tree } from '@lezer/common';
import { locate } from '../../../src/nix/locate.js';
import { parseNix, type ParsedNix } from '../../../src/nix/parse.js';
import { memoFor } from '../../../src/nix/treeMemo.js';
import { generateShape } from '../../util/generateConfig.js';

/** The Tree objects of the balanced runs (anonymous nodes) in a parse. */
function runs(parsed: ParsedNix): Set<Tree> {
  const found = new Set<Tree>();
  const cursor = parsed.tree.cursor(IterMode.IncludeAnonymous);
  do {
    if (cursor.type.isAnonymous && cursor.tree && cursor.tree !== parsed.tree) found.add(cursor.tree);
  } while (cursor.next());
  return found;
}

describe('locate: which subtrees are recorded for the next keystroke', function () {
  const text = generateShape('modules', 4_000);
  const before = parseNix(text);
  locate(before);
  const memo = before.memo;
  if (!memo) throw new Error('a parse has a memo');
  const recorded = memoFor<Map<string, unknown>>(memo, 'locate');

  it('records the runs of the first parse', function () {
    const all = [...runs(before)];
    assert.ok(all.length > 10, `runs: ${all.length}`);
    assert.ok(all.filter((tree) => recorded.has(tree)).length > all.length / 2);
  });

  it('records a run an incremental parse made when it is read again, not the first time', function () {
    const at = text.indexOf('\n', text.length >> 1) + 1;
    const after = parseNix(`${text.slice(0, at)}#${text.slice(at)}`, {
      parsed: before,
      changes: [{ fromA: at, toA: at, fromB: at, toB: at + 1 }],
    });
    const old = runs(before);
    const made = [...runs(after)].filter((tree) => !old.has(tree));
    assert.ok(made.length > 0, 'the edit made new runs');
    locate(after);
    assert.deepEqual(
      made.filter((tree) => recorded.has(tree)),
      [],
    );
    locate(after);
    assert.ok(
      made.some((tree) => recorded.has(tree)),
      'recorded on the second reading',
    );
  });
});
