/**
 * Per-subtree memos that survive incremental re-parses. An incremental Lezer parse reuses the
 * unchanged subtrees of the previous tree as the very same `Tree`/`TreeBuffer` objects (over
 * unchanged text), so anything computed from a subtree and the text inside it can be kept in a
 * WeakMap keyed by that object and read back after the next keystroke, shifted to wherever the
 * subtree now starts. The memo travels with the parse (ParsedNix.memo), never in module state.
 */
import { Tree, type TreeBuffer } from '@lezer/common';

export interface TreeMemo {
  /** Whether a subtree holds an error node (a `⚠`), per Tree or TreeBuffer object. */
  readonly hasError: WeakMap<Tree | TreeBuffer, boolean>;
  /** Per-subtree results of other analyses, one WeakMap per analysis. */
  readonly results: Map<string, WeakMap<Tree, unknown>>;
}

export function newTreeMemo(): TreeMemo {
  return { hasError: new WeakMap(), results: new Map() };
}

/** The WeakMap an analysis named `key` keeps its per-subtree results in. */
export function memoFor<T>(memo: TreeMemo, key: string): WeakMap<Tree, T> {
  let map = memo.results.get(key);
  if (!map) {
    map = new WeakMap<Tree, T>();
    memo.results.set(key, map);
  }
  return map as WeakMap<Tree, T>;
}

/**
 * Whether any node of `tree` is an error node. Tree buffers are scanned as raw
 * (type, from, to, end) quads, which is an order of magnitude faster than a cursor walk, and
 * every answer is memoised, so after an incremental parse only the new spine is looked at.
 */
export function treeHasError(tree: Tree | TreeBuffer, memo: TreeMemo): boolean {
  const known = memo.hasError.get(tree);
  if (known !== undefined) return known;
  let found = false;
  if (tree instanceof Tree) {
    if (tree.type.isError) found = true;
    else for (const child of tree.children) if (treeHasError(child, memo)) { found = true; break; }
  } else {
    const { buffer, set } = tree;
    for (let i = 0; i < buffer.length; i += 4) {
      if (set.types[buffer[i] ?? 0]?.isError) { found = true; break; }
    }
  }
  memo.hasError.set(tree, found);
  return found;
}
