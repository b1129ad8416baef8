/**
 * Parsing .nix text with the project's Lezer grammar (nix.grammar, compiled at build time),
 * incrementally when the previous parse and the edits since are known.
 */
import { TreeFragment, type Tree } from '@lezer/common';
import type { LineIndex } from './lines.js';
import type { SourceText } from './sourceText.js';
import type { Recovery } from './parseWithinLimits.js';
import { parseReadingStrings, type BreakDecision } from './stringBreaks.js';
import { errorNodes, newTreeMemo, treeHasError, type TreeMemo } from './treeMemo.js';
import { parser, parserAroundErrors } from './parser.js';

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

/** A parse of `text`: of a string when parsed from one (the CLI's files), else of any SourceText. */
export interface ParsedNix<T extends SourceText = SourceText> {
  text: T;
  tree: Tree;
  /** Reusable pieces of `tree` for the next incremental parse. */
  fragments: readonly TreeFragment[];
  /** Per-subtree results kept across incremental parses of one document (see treeMemo.ts). */
  memo?: TreeMemo;
  /** Whether the tree has any error node (computed with the memo; absent means unknown). */
  hasErrors?: boolean;
  /** Which strings the parse read as unclosed, and what that depended on (stringBreaks.ts). */
  breaks?: BreakDecision;
  /** Offsets to lines and back, once asked for (lines.ts: lineIndexOf, carryLines). */
  lines?: LineIndex | undefined;
}

/**
 * Parse `text`. With `previous` (the last parse and the changes that turned its text into
 * `text`), unchanged subtrees are reused; the result is the same tree a full parse gives.
 */
export function parseNix<T extends SourceText>(
  text: T,
  previous?: { parsed: ParsedNix; changes: readonly TextChange[] },
): ParsedNix<T> {
  const parse = startParseNix(text, previous);
  for (;;) {
    const done = parse.advance(Infinity);
    if (done) return done;
  }
}

/** A parse that runs in slices (see startParseNix). */
export interface NixParseInProgress<T extends SourceText = SourceText> {
  /**
   * Parses for about `budgetMs` (at least one step); the result once the parse is done, null
   * while there is more. Throws BeyondParserLimits like parseNix.
   */
  advance(budgetMs: number): ParsedNix<T> | null;
}

/**
 * parseNix in slices, so that a caller with other work (the language server with a small
 * document behind a large one) can yield between them. The result is exactly parseNix's.
 */
export function startParseNix<T extends SourceText>(
  text: T,
  previous?: { parsed: ParsedNix; changes: readonly TextChange[] },
): NixParseInProgress<T> {
  const reusable = previous ? TreeFragment.applyChanges(previous.parsed.fragments, previous.changes) : [];
  const slice = { until: 0 };
  // The last parse's string breaks hold while the edits leave what they depended on alone.
  const earlier = previous?.parsed.breaks;
  const settled =
    earlier && previous.changes.every((change) => change.fromA >= earlier.dependsTo) ? earlier : undefined;
  // A document with a syntax error is re-parsed around it on every keystroke: small buffers make
  // that stretch short (parser.ts, parserAroundErrors).
  const lezer = previous?.parsed.hasErrors ? parserAroundErrors : parser;
  let parse = parseReadingStrings(text, reusable, slice, settled, lezer);
  let reused = reusable.length > 0;
  return {
    advance(budgetMs) {
      slice.until = budgetMs === Infinity ? Infinity : performance.now() + budgetMs;
      const step = parse.next();
      if (!step.done) return null;
      const { tree, recoveries, proven, decision } = step.value;
      // Where the reasoning in parseWithinLimits.ts does not hold (Lezer changed, or the grammar
      // became ambiguous), only a parse from scratch is sure to equal one.
      if (reused && !proven) {
        reused = false;
        parse = parseReadingStrings(text, [], slice, undefined, lezer);
        return null;
      }
      const memo = previous?.parsed.memo ?? newTreeMemo();
      // Lezer makes error nodes only while it recovers (or cuts a chain, recorded as a recovery),
      // and a MissingQuote only where a string break was kept: a parse from scratch, watched
      // throughout, that did neither has none, and is not walked to find that out (~2 % of a cold
      // parse). An incremental parse asks the memo, which knows the reused subtrees.
      const hasErrors =
        !reused && proven && recoveries.length === 0 && decision.breaks.length === 0
          ? false
          : treeHasError(tree, memo);
      const regions = hasErrors ? notReusable(tree, memo, recoveries) : [];
      const fragments = TreeFragment.addTree(tree);
      return {
        text,
        tree,
        fragments: regions.length > 0 ? TreeFragment.applyChanges(fragments, regions) : fragments,
        memo,
        hasErrors,
        breaks: decision,
        // (Made with the parse, so that setting it later does not change the object's shape.)
        lines: undefined,
      };
    },
  };
}

/**
 * What the next parse must not reuse, as changes that cut the fragments of a tree (fromA = fromB:
 * nothing moves, the nodes there are not reused): every stretch where Lezer recovered from a
 * syntax error (parseWithinLimits.ts: a node it reduced there may look valid but a plain parse
 * would not build it; the margin of one character also takes the nodes that end where the stuck
 * stack had reduced to), every error node, and each MissingQuote with its neighbours (the string
 * breaks are decided afresh on every parse, stringBreaks.ts).
 *
 * Nothing more around an error is needed: the parse itself reuses nothing while it recovers
 * (parseWithinLimits.ts), so however far Lezer's racing stacks look ahead, they read what a
 * fresh parse reads.
 */
function notReusable(tree: Tree, memo: TreeMemo, recoveries: readonly Recovery[]): TextChange[] {
  const regions = [
    ...recoveries.map((r) => ({ from: Math.max(0, r.from - 1), to: Math.min(tree.length, r.to + 1) })),
    ...errorNodes(tree, memo).outermost.map((node) =>
      node.name === 'MissingQuote'
        ? { from: node.prevSibling?.from ?? node.from, to: node.nextSibling?.to ?? node.to }
        : { from: node.from, to: node.to },
    ),
  ];
  regions.sort((a, b) => a.from - b.from);
  const merged: TextChange[] = [];
  for (const { from, to } of regions) {
    const last = merged[merged.length - 1];
    if (last && from <= last.toA) last.toA = last.toB = Math.max(last.toA, to);
    else merged.push({ fromA: from, toA: to, fromB: from, toB: to });
  }
  return merged;
}
