/**
 * Parsing .nix text with the project's Lezer grammar (nix.grammar, compiled at build time),
 * incrementally when the previous parse and the edits since are known.
 */
import { TreeFragment, type SyntaxNode, type Tree } from '@lezer/common';
import { parseReadingStrings } from './stringBreaks.js';
import { errorNodes, newTreeMemo, treeHasError, type TreeMemo } from './treeMemo.js';

export { BeyondParserLimits } from './parseWithinLimits.js';

/**
 * One edited range, as Lezer's ChangedRange: [fromA, toA) in the old text became [fromB, toB).
 * Offsets are UTF-16 code units, like LSP positions (server/textChanges.ts composes LSP's edits into these).
 */
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
  const parse = startParseNix(text, previous);
  for (;;) {
    const done = parse.advance(Infinity);
    if (done) return done;
  }
}

/** A parse that runs in slices (see startParseNix). */
export interface NixParseInProgress {
  /**
   * Parses for about `budgetMs` (at least one step); the result once the parse is done, null
   * while there is more. Throws BeyondParserLimits like parseNix.
   */
  advance(budgetMs: number): ParsedNix | null;
}

/**
 * parseNix in slices, so that a caller with other work (the language server with a small
 * document behind a large one) can yield between them. The result is exactly parseNix's.
 */
export function startParseNix(
  text: string,
  previous?: { parsed: ParsedNix; changes: readonly TextChange[] },
): NixParseInProgress {
  const reusable = previous ? TreeFragment.applyChanges(previous.parsed.fragments, previous.changes) : [];
  const slice = { until: 0 };
  const parse = parseReadingStrings(text, reusable, slice);
  return {
    advance(budgetMs) {
      slice.until = budgetMs === Infinity ? Infinity : performance.now() + budgetMs;
      const step = parse.next();
      if (!step.done) return null;
      const tree = step.value;
      const memo = previous?.parsed.memo ?? newTreeMemo();
      const hasErrors = treeHasError(tree, memo);
      return {
        text,
        tree,
        fragments: hasErrors ? withoutErrorRegions(tree, memo) : TreeFragment.addTree(tree),
        memo,
        hasErrors,
      };
    },
  };
}

/**
 * Fragments of `tree` for the next parse, minus the nodes around error nodes. Error recovery
 * decides how broken text nests; a subtree built during one recovery and reused in another
 * parse can nest differently from what a fresh parse would give, so those are never reused.
 *
 * What recovery shapes is bounded: the nodes it reduces by force end at the error (the error's
 * ancestors, which overlap it anyway), and the parser read one token of lookahead, the last token
 * before the error, to reduce what ended there; after the error, the first token it resumed with.
 * So the region runs from the start of the last token before the error to the end of the first
 * token after it. Nodes further away are reusable: with the whole neighbours excluded, a `let`
 * whose `in` is mistyped (it runs to the end of the file) or an unclosed string made every
 * keystroke re-parse everything after the error (issue 8, goal 2).
 */
function withoutErrorRegions(tree: Tree, memo: TreeMemo): readonly TreeFragment[] {
  const regions = errorNodes(tree, memo).outermost.map((node) => ({
    from: node.prevSibling ? lastLeaf(node.prevSibling).from : node.from,
    to: node.nextSibling ? firstLeaf(node.nextSibling).to : node.to,
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

/** The last token inside `node` (itself when it has no children), without recursion. */
function lastLeaf(node: SyntaxNode): SyntaxNode {
  let leaf = node;
  for (let child = leaf.lastChild; child; child = leaf.lastChild) leaf = child;
  return leaf;
}

function firstLeaf(node: SyntaxNode): SyntaxNode {
  let leaf = node;
  for (let child = leaf.firstChild; child; child = leaf.firstChild) leaf = child;
  return leaf;
}
