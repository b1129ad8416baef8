/**
 * Parsing .nix text with the project's Lezer grammar (nix.grammar, compiled at build time),
 * incrementally when the previous parse and the edits since are known.
 */
import { TreeFragment, type Tree } from '@lezer/common';
import { parser } from './generated/parser.js';
import { errorNodes, newTreeMemo, treeHasError, type TreeMemo } from './treeMemo.js';

/** One edited range, as Lezer's ChangedRange: [fromA, toA) in the old text became [fromB, toB). */
export interface TextChange {
  fromA: number;
  toA: number;
  fromB: number;
  toB: number;
}

export interface ParsedNix {
  text: string;
  tree: Tree;
  /** Reusable pieces of `tree` for the next incremental parse. */
  fragments: readonly TreeFragment[];
  /** Per-subtree results kept across incremental parses of one document (see treeMemo.ts). */
  memo?: TreeMemo;
  /** Whether the tree has any error node (computed with the memo; absent means unknown). */
  hasErrors?: boolean;
}

/**
 * Parse `text`. With `previous` (the last parse and the changes that turned its text into
 * `text`), unchanged subtrees are reused; the result is the same tree a full parse gives.
 */
export function parseNix(
  text: string,
  previous?: { parsed: ParsedNix; changes: readonly TextChange[] },
): ParsedNix {
  const reusable = previous ? TreeFragment.applyChanges(previous.parsed.fragments, previous.changes) : [];
  const tree = parser.parse(text, reusable);
  const memo = previous?.parsed.memo ?? newTreeMemo();
  const hasErrors = treeHasError(tree, memo);
  return {
    text,
    tree,
    fragments: hasErrors ? withoutErrorRegions(tree, memo) : TreeFragment.addTree(tree),
    memo,
    hasErrors,
  };
}

/**
 * Fragments of `tree` for the next parse, minus the nodes around error nodes. Error recovery
 * decides how broken text nests; a subtree built during one recovery and reused in another
 * parse can nest differently from what a fresh parse would give, so those are never reused.
 */
function withoutErrorRegions(tree: Tree, memo: TreeMemo): readonly TreeFragment[] {
  // Its neighbours were shaped by the recovery too.
  const regions = errorNodes(tree, memo).outermost.map((node) => ({
    from: node.prevSibling?.from ?? node.from,
    to: node.nextSibling?.to ?? node.to,
  }));
  regions.sort((a, b) => a.from - b.from);
  const errors: TextChange[] = [];
  for (const { from, to } of regions) {
    const last = errors[errors.length - 1];
    if (last && from <= last.toA) last.toA = last.toB = Math.max(last.toA, to);
    else errors.push({ fromA: from, toA: to, fromB: from, toB: to });
  }
  const fragments = TreeFragment.addTree(tree);
  return errors.length > 0 ? TreeFragment.applyChanges(fragments, errors) : fragments;
}
