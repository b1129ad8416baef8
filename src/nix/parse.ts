/**
 * Parsing .nix text with the project's Lezer grammar (nix.grammar, compiled at build time),
 * incrementally when the previous parse and the edits since are known.
 */
import { TreeFragment, type Tree } from '@lezer/common';
import { parser } from './generated/parser.js';

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
}

/**
 * Parse `text`. With `previous` (the last parse and the changes that turned its text into
 * `text`), unchanged subtrees are reused; the result is the same tree a full parse gives.
 */
export function parseNix(text: string, previous?: { parsed: ParsedNix; changes: readonly TextChange[] }): ParsedNix {
  const reusable = previous ? TreeFragment.applyChanges(previous.parsed.fragments, previous.changes) : [];
  const tree = parser.parse(text, reusable);
  return { text, tree, fragments: TreeFragment.addTree(tree) };
}
