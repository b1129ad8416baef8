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
  const tree = parseWithinLimits(text, reusable);
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
 * Thrown for a text nested deeper, or chained longer, than the parser can follow; the callers
 * turn it into the file's one `analysis-failed` finding
 * (docs/dev/security.md#nothing-hangs-or-crashes-on-hostile-nix).
 */
export class BeyondParserLimits extends Error {
  constructor(
    readonly limit: 'nesting' | 'chain',
    readonly offset: number,
    text: string,
  ) {
    const line = lineAt(text, offset);
    super(
      limit === 'nesting'
        ? `its expressions are nested too deeply near line ${line}, beyond the ${MAX_STACK_LEVELS.toLocaleString('en-US')} levels its parser follows (each bracket, set, let, minus sign or right-hand operand of ++, // or -> takes one or more)`
        : `near line ${line} it chains more than ${MAX_LEFT_CHAIN} operators or function arguments in one expression after its first ${MIN_BIG_REDUCTION.toLocaleString('en-US')} characters, more than its parser follows`,
    );
    this.name = 'BeyondParserLimits';
  }
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

// Lezer's own limits (@lezer/lr 1.4, src/parse.ts, `enum Rec`): a parse stack of CutDepth =
// 2800 * 3 entries is force-reduced back to 2000 levels, and more than 300 reductions of one
// left-associative chain over 2000 characters long (`1 + 1 + …`, `f a a …`) are cut short, both to
// keep the tree shallow enough for recursive walks. Either leaves a tree that misreads the file
// (error nodes Nix would not report, or wrong nesting), so a parse that reaches one is stopped and
// the file is reported as beyond analysis instead (it also bounds the time: the recovery from
// each cut made 100,000 nested levels take seconds). Nix 2.8's own bison parser stops at 10,000
// stack entries ("memory exhausted").
const LEZER_CUT_DEPTH = 2800 * 3;
/** A stack grows by a few entries per step; stop before the step that would cut it. */
const STACK_MARGIN = 60;
const MAX_STACK_LEVELS = Math.floor((LEZER_CUT_DEPTH - STACK_MARGIN) / 3);
const MAX_LEFT_CHAIN = 300;
const MIN_BIG_REDUCTION = 2000;

/** The parts of @lezer/lr's Parse read here: not in its public types, checked at run time. */
interface ParseInternals {
  stacks?: readonly { stack?: readonly number[]; pos?: number }[];
  bigReductionCount?: number;
}

/** parser.parse, stopped with BeyondParserLimits where Lezer would start cutting the tree. */
function parseWithinLimits(text: string, fragments: readonly TreeFragment[]): Tree {
  const parse = parser.startParse(text, fragments);
  const internals = parse as unknown as ParseInternals;
  for (;;) {
    const tree = parse.advance();
    if (tree) return tree;
    const { stacks, bigReductionCount } = internals;
    if (!stacks) continue;
    // Exactly the condition under which the next advance() cuts a left-associative chain.
    if ((bigReductionCount ?? 0) > MAX_LEFT_CHAIN && stacks.length === 1)
      throw new BeyondParserLimits('chain', stacks[0]?.pos ?? parse.parsedPos, text);
    for (const stack of stacks)
      if ((stack.stack?.length ?? 0) >= LEZER_CUT_DEPTH - STACK_MARGIN)
        throw new BeyondParserLimits('nesting', stack.pos ?? parse.parsedPos, text);
  }
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
