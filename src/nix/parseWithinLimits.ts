/**
 * One Lezer parse of .nix text, in slices, within the limits the parser can follow (see
 * BeyondParserLimits), able to pause at its first syntax error (stringBreaks.ts looks there).
 */
import type { PartialParse, Tree, TreeFragment } from '@lezer/common';
import type { InputStream } from '@lezer/lr';
import { parser } from './generated/parser.js';
import { stringReadings, type StringReading } from './tokens.js';

/** Parser steps between two looks at the clock. */
const STEPS_PER_CLOCK_CHECK = 256;

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
  /** Non-zero while (and right after) Lezer recovers from a syntax error. */
  recovering?: number;
  /** The parse's InputStream, which the tokenizers see (tokens.ts keys per-parse state by it). */
  stream?: InputStream;
}

/** What `ParseWithinLimits.advance` may stop at besides the end of the parse. */
export interface ParseWatch {
  /** Stop where the parse meets its first syntax error (error recovery starts). */
  firstError?: boolean;
  /** Stop once everything before this position is parsed. */
  reach?: number;
}

/** A finished tree, a stop asked for by the watch, or null when the time was up. */
export type ParseStep = Tree | 'error' | 'reached' | null;

/**
 * parser.parse in slices, stopped with BeyondParserLimits where Lezer would start cutting the
 * tree, and able to pause at its first syntax error (then continue from there as if it had not
 * paused) or once it has passed a position.
 */
export class ParseWithinLimits {
  private readonly parse: PartialParse;
  /** Where the parse met its first syntax error, once it has. */
  firstError: number | null = null;
  /** The tree, once finished (it can finish in the step that meets the first error). */
  private tree: Tree | null = null;

  constructor(
    private readonly text: string,
    fragments: readonly TreeFragment[],
    reading?: StringReading,
  ) {
    this.parse = parser.startParse(text, fragments);
    const stream = (this.parse as unknown as ParseInternals).stream;
    if (reading && stream) stringReadings.set(stream, reading);
  }

  get parsedPos(): number {
    return this.parse.parsedPos;
  }

  advance(until: number, watch: ParseWatch = {}): ParseStep {
    const { parse, text } = this;
    const internals = parse as unknown as ParseInternals;
    for (let steps = 1; ; steps++) {
      if (watch.firstError && this.firstError !== null) return 'error';
      if (this.tree) return this.tree;
      if (watch.reach !== undefined && parse.parsedPos >= watch.reach) return 'reached';
      const before = parse.parsedPos;
      const tree = parse.advance();
      if (this.firstError === null && internals.recovering) this.firstError = before;
      if (tree) {
        this.tree = tree;
        continue;
      }
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
