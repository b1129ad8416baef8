/**
 * Parsing .nix text with the project's Lezer grammar (nix.grammar, compiled at build time),
 * incrementally when the previous parse and the edits since are known.
 */
import { TreeFragment, type Tree } from '@lezer/common';
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
  let reusable = previous ? TreeFragment.applyChanges(previous.parsed.fragments, previous.changes) : [];
  const slice = { until: 0 };
  let parse = parseReadingStrings(text, reusable, slice);
  let retries = 0;
  return {
    advance(budgetMs) {
      slice.until = budgetMs === Infinity ? Infinity : performance.now() + budgetMs;
      const step = parse.next();
      if (!step.done) return null;
      const tree = step.value;
      const memo = previous?.parsed.memo ?? newTreeMemo();
      const hasErrors = treeHasError(tree, memo);
      const regions = hasErrors ? errorRegions(tree, memo) : [];
      // An error the edit made can lie next to a node reused from the last parse, which a fresh
      // parse's recovery would not have read as that node (errorRegions): parse again without
      // what was reused there, and from scratch if that keeps happening.
      if (regions.some((r) => reusable.some((f) => r.fromB < f.to && r.toB > f.from))) {
        reusable = ++retries < MAX_REUSE_RETRIES ? TreeFragment.applyChanges(reusable, regions) : [];
        parse = parseReadingStrings(text, reusable, slice);
        return null;
      }
      const fragments = TreeFragment.addTree(tree);
      return {
        text,
        tree,
        fragments: regions.length > 0 ? TreeFragment.applyChanges(fragments, regions) : fragments,
        memo,
        hasErrors,
      };
    },
  };
}

/** Parses again without the nodes reused next to new errors, before one from scratch. */
const MAX_REUSE_RETRIES = 3;

/**
 * The ranges around error nodes, as changes that cut the fragments of a tree for the next parse
 * (fromA = fromB: nothing moves, the nodes there are not reused). Error recovery decides how
 * broken text nests; a subtree built during one recovery and reused in another parse can nest
 * differently from what a fresh parse would give, so those are never reused.
 *
 * Its whole neighbours are excluded too. Recovery is not bounded by the token before and the one
 * after the error: Lezer keeps several recovering stacks and picks among them by how the text after
 * the error parses, so a node reused from the last parse next to an error changes which one wins.
 * Bounding the region by those tokens made incremental parses differ from fresh ones (the
 * equivalence oracle, test/unit/perf/incremental.test.ts, found keystrokes in a flat set and in a
 * list of inline modules where they did).
 */
function errorRegions(tree: Tree, memo: TreeMemo): TextChange[] {
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
  return errors;
}
