/**
 * Parsing .nix text with the project's Lezer grammar (nix.grammar, compiled at build time),
 * incrementally when the previous parse and the edits since are known.
 */
import { TreeFragment, type PartialParse, type SyntaxNode, type Tree } from '@lezer/common';
import { parser } from './generated/parser.js';
import { errorNodes, newTreeMemo, treeHasError, type TreeMemo } from './treeMemo.js';

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

/** Parser steps between two looks at the clock. */
const STEPS_PER_CLOCK_CHECK = 256;

/**
 * parseNix in slices, so that a caller with other work (the language server with a small
 * document behind a large one) can yield between them. The result is exactly parseNix's.
 */
export function startParseNix(
  text: string,
  previous?: { parsed: ParsedNix; changes: readonly TextChange[] },
): NixParseInProgress {
  const reusable = previous ? TreeFragment.applyChanges(previous.parsed.fragments, previous.changes) : [];
  const parse = new ParseWithinLimits(text, reusable);
  return {
    advance(budgetMs) {
      const tree = parse.advance(budgetMs);
      if (!tree) return null;
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
        : `one expression near line ${line} chains more than ${MAX_LEFT_CHAIN} operators or function arguments after its first ${MIN_BIG_REDUCTION.toLocaleString('en-US')} characters, more than its parser follows`,
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
  stacks?: readonly { stack?: readonly number[]; pos?: number; score?: number }[];
  bigReductionCount?: number;
}

/** parser.parse in slices, stopped with BeyondParserLimits where Lezer would start cutting the tree. */
class ParseWithinLimits {
  private readonly parse: PartialParse;

  constructor(
    private readonly text: string,
    fragments: readonly TreeFragment[],
  ) {
    this.parse = parser.startParse(text, fragments);
  }

  advance(budgetMs: number): Tree | null {
    const { parse, text } = this;
    const internals = parse as unknown as ParseInternals;
    const until = budgetMs === Infinity ? Infinity : performance.now() + budgetMs;
    for (let steps = 1; ; steps++) {
      const tree = parse.advance();
      if (tree) return tree;
      const { stacks, bigReductionCount } = internals;
      if (stacks) {
        // Exactly the condition under which the next advance() cuts a left-associative chain,
        // unless the parse already recovered from an error (a negative score): in a broken file
        // (an unclosed string turns a shell script into code, `autoload -U compinit …` into one
        // long call) the syntax error is what to report, and Lezer's cut costs little.
        const single = stacks.length === 1 ? stacks[0] : undefined;
        if ((bigReductionCount ?? 0) > MAX_LEFT_CHAIN && single && (single.score ?? 0) >= 0)
          throw new BeyondParserLimits('chain', single.pos ?? parse.parsedPos, text);
        for (const stack of stacks)
          if ((stack.stack?.length ?? 0) >= LEZER_CUT_DEPTH - STACK_MARGIN)
            throw new BeyondParserLimits('nesting', stack.pos ?? parse.parsedPos, text);
      }
      if (steps % STEPS_PER_CLOCK_CHECK === 0 && performance.now() >= until) return null;
    }
  }
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
