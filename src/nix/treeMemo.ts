/**
 * Per-subtree memos that survive incremental re-parses. An incremental Lezer parse reuses the
 * unchanged subtrees of the previous tree as the very same `Tree`/`TreeBuffer` objects (over
 * unchanged text), so anything computed from a subtree and the text inside it can be kept in a
 * WeakMap keyed by that object and read back after the next keystroke, shifted to wherever the
 * subtree now starts. The memo travels with the parse (ParsedNix.memo), never in module state.
 */
import { IterMode, Tree, type NodeSet, type NodeType, type SyntaxNode, type TreeBuffer } from '@lezer/common';
import type { Span } from './model.js';
import { parser } from './generated/parser.js';

export interface TreeMemo {
  /** Whether a subtree holds an error node (a `⚠`), per Tree or TreeBuffer object. */
  readonly hasError: WeakMap<Tree | TreeBuffer, boolean>;
  /** The error nodes of a whole parse tree (one entry per top tree). */
  readonly errorNodes: WeakMap<Tree, ErrorNodes>;
  /** Per-subtree results of other analyses, one WeakMap per analysis. */
  readonly results: Map<string, WeakMap<Tree, unknown>>;
}

export function newTreeMemo(): TreeMemo {
  return { hasError: new WeakMap(), errorNodes: new WeakMap(), results: new Map() };
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
 * Whether nodes of this type are syntax errors: Lezer's error nodes, and the MissingQuote that
 * ends a string read as unclosed (stringBreaks.ts), which is one too but a grammar token.
 */
function isErrorType(type: NodeType): boolean {
  return type.isError || type.name === 'MissingQuote';
}

/** Which type ids of the grammar are error types (isError is a getter: too slow per node). */
const errorTypes = Uint8Array.from(parser.nodeSet.types, (type) => (isErrorType(type) ? 1 : 0));

function errorTypesOf(set: NodeSet): ArrayLike<number> {
  return set === parser.nodeSet ? errorTypes : set.types.map((type) => (isErrorType(type) ? 1 : 0));
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
    if (isErrorType(tree.type)) found = true;
    else
      for (const child of tree.children)
        if (treeHasError(child, memo)) {
          found = true;
          break;
        }
  } else {
    const { buffer } = tree;
    const errors = errorTypesOf(tree.set);
    for (let i = 0; i < buffer.length; i += 4) {
      if (errors[buffer[i] ?? 0]) {
        found = true;
        break;
      }
    }
  }
  memo.hasError.set(tree, found);
  return found;
}

export interface ErrorNodes {
  /** The error nodes not inside another one, in document order (what tree.iterate meets first). */
  outermost: SyntaxNode[];
  /** Every error node, nested ones too, in document order. */
  all: Span[];
}

/**
 * The error nodes of a tree, found by walking only the subtrees that hold one (treeHasError),
 * so a broken file costs a walk of its broken parts, not of every node.
 */
export function errorNodes(tree: Tree, memo: TreeMemo): ErrorNodes {
  const known = memo.errorNodes.get(tree);
  if (known) return known;
  const found: ErrorNodes = { outermost: [], all: [] };
  const cursor = tree.cursor(IterMode.IncludeAnonymous);
  const visit = (insideError: boolean): void => {
    const subtree = cursor.tree;
    if (subtree && !treeHasError(subtree, memo)) return;
    const isError = isErrorType(cursor.type);
    if (isError) {
      found.all.push({ from: cursor.from, to: cursor.to });
      if (!insideError) found.outermost.push(cursor.node);
    }
    if (!cursor.firstChild()) return;
    do visit(insideError || isError);
    while (cursor.nextSibling());
    cursor.parent();
  };
  visit(false);
  memo.errorNodes.set(tree, found);
  return found;
}
