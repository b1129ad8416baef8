/**
 * What a reused node hides from Lezer's left-chain cut. @lezer/lr (1.4, src/stack.ts, Stack.reduce)
 * counts the reductions of named nodes of MIN_BIG_REDUCTION characters or more that start where the
 * last such one started, restarts the count at a longer one, and past 300 cuts the chain short
 * (parseWithinLimits.ts). A reused node is not reduced again, nor is anything inside it, so
 * reusing a node that holds such a named node can change the count a fresh parse would keep.
 */
import { Tree, type TreeBuffer } from '@lezer/common';
import { parser } from './generated/parser.js';

/** Lezer's Recover.MinBigReduction: shorter reductions are never counted. */
export const MIN_BIG_REDUCTION = 2000;

/** Which type ids of the grammar are named (counted when long enough); isAnonymous is a getter. */
const named = Uint8Array.from(parser.nodeSet.types, (type) => (type.isAnonymous ? 0 : 1));

/**
 * The longest named node of MIN_BIG_REDUCTION characters or more in `tree` (itself included), 0
 * when there is none. A pure function of an immutable tree, so the answers are kept per object:
 * reused subtrees are the same objects from keystroke to keystroke and are walked once.
 */
const known = new WeakMap<Tree | TreeBuffer, number>();

export function longestCountedNode(tree: Tree | TreeBuffer): number {
  if (tree.length < MIN_BIG_REDUCTION) return 0;
  const memo = known.get(tree);
  if (memo !== undefined) return memo;
  let longest = 0;
  if (tree instanceof Tree) {
    if (named[tree.type.id]) longest = tree.length;
    else for (const child of tree.children) longest = Math.max(longest, longestCountedNode(child));
  } else {
    const { buffer } = tree;
    for (let i = 0; i < buffer.length; i += 4) {
      const length = (buffer[i + 2] ?? 0) - (buffer[i + 1] ?? 0);
      if (length >= MIN_BIG_REDUCTION && named[buffer[i] ?? 0]) longest = Math.max(longest, length);
    }
  }
  known.set(tree, longest);
  return longest;
}
