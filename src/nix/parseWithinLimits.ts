/**
 * One Lezer parse of .nix text, in slices, within the limits the parser can follow (see
 * BeyondParserLimits), able to pause at its first syntax error (stringBreaks.ts looks there).
 */
import type { SourceText } from './sourceText.js';
import { NodeProp, Tree, type Input, type PartialParse, type TreeFragment } from '@lezer/common';
import type { InputStream, LRParser } from '@lezer/lr';
import { parser } from './parser.js';
import { stringReadings, type StringReading } from './tokens.js';
import { longestCountedNode, MIN_BIG_REDUCTION } from './bigReductions.js';

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
    text: SourceText,
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

function lineAt(text: SourceText, offset: number): number {
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

/** The parts of a @lezer/lr parse stack read here: not in its public types, checked at run time. */
interface StackInternals {
  stack?: readonly number[];
  pos?: number;
  score?: number;
  /** Where its last reduction ended: nodes it reduces from here on end there or later. */
  reducePos?: number;
}

/** The parts of @lezer/lr's Parse read here: not in its public types, checked at run time. */
interface ParseInternals {
  stacks?: readonly StackInternals[];
  bigReductionCount?: number;
  /** The length of the reduction bigReductionCount counts (see bigReductions.ts). */
  lastBigReductionSize?: number;
  /** Non-zero while (and right after) Lezer recovers from a syntax error. */
  recovering?: number;
  /** The cursor over the reusable fragments (null when nothing is reused). */
  fragments?: unknown;
  /** The parse's InputStream, which the tokenizers see (tokens.ts keys per-parse state by it). */
  stream?: InputStream;
}

/** The parts of @lezer/lr's FragmentCursor that its Parse reads. */
interface FragmentCursorInternals {
  nodeAt(pos: number): Tree | null;
  readonly lastRepeat: Tree | null;
  readonly lastRepeatPos: number;
}

/** How far past its end Lezer lets a reused node's tokens have looked without saying so (Lookahead.Margin). */
const REUSE_MARGIN = 25;

/** Characters handed to Lezer at a time (it asks for more as it reads on). */
const CHUNK = 1024;

/**
 * The text as Lezer reads it: in chunks, so that how far a parse has read is known (`readTo`).
 * Lezer and the tokenizers (tokens.ts) read the text only through Lezer's InputStream, which reads
 * it only through `chunk` and `read` (@lezer/lr 1.4.12, InputStream: getChunk, peek, read); so a
 * parse's steps up to a point are a function of the text before `readTo` then (stringBreaks.ts
 * replays the string breaks decided there when the edits since lie after it).
 */
class ChunkedInput implements Input {
  /** Every position read so far lies before this; past the text's length once its end was seen. */
  readTo = 0;

  constructor(
    private readonly text: SourceText,
    /** CHUNK, or more when how far the parse read does not matter (see ParseWithinLimits). */
    private readonly chunkLength = CHUNK,
  ) {}

  get length(): number {
    return this.text.length;
  }

  get lineChunks(): boolean {
    return false;
  }

  chunk(from: number): string {
    const to = from + this.chunkLength;
    // (A chunk that reaches the end shows where the text ends: a text made longer reads otherwise.)
    this.readTo = Math.max(this.readTo, to >= this.text.length ? this.text.length + 1 : to);
    return this.text.slice(from, to);
  }

  read(from: number, to: number): string {
    this.readTo = Math.max(this.readTo, to >= this.text.length ? this.text.length + 1 : to);
    return this.text.slice(from, to);
  }
}

/** A stretch of text where Lezer recovered from syntax errors (see ParseWithinLimits.recoveries). */
export interface Recovery {
  from: number;
  to: number;
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
 * What Lezer's Parse finds in its `fragments` field instead of its own cursor (see
 * ParseWithinLimits.watchRecovery): nothing while the parse recovers, and only nodes that leave the
 * left-chain count as a fresh parse keeps it (`proven`), noting how far the offered nodes reach.
 *
 * A class, so that every parse's gate has the same shape and shares its accessors. As an object
 * literal with getters and closures of its own per parse, it kept each parse (its text, stacks and
 * tree) alive through young-generation collections until the next full one (V8 in Node 20; most
 * likely the inline caches that saw each literal's own accessors, which a full collection clears).
 * Each scavenge while typing in the 20k-line config then promoted ~16.5 MB, everything allocated
 * since the last one, against 0.65 MB with Lezer's own cursor (node --trace-gc-nvp). The same held
 * for the analysis result (rules/analyze.ts, AnalysisResult) and a WeakMap keyed by the parse
 * (nix/lines.ts): docs/dev/architecture.md#memory-while-typing.
 */
class GatedFragments implements FragmentCursorInternals {
  /** Where the nodes offered so far end, with their lookahead (ParseWithinLimits.dependsTo). */
  reusedTo = 0;

  constructor(
    private readonly cursor: FragmentCursorInternals,
    private readonly internals: ParseInternals,
  ) {}

  nodeAt(pos: number): Tree | null {
    return this.internals.recovering ? null : this.noteReuse(this.counted(this.cursor.nodeAt(pos)), pos);
  }

  get lastRepeat(): Tree | null {
    return this.internals.recovering
      ? null
      : this.noteReuse(this.counted(this.cursor.lastRepeat), this.cursor.lastRepeatPos);
  }

  get lastRepeatPos(): number {
    return this.cursor.lastRepeatPos;
  }

  private noteReuse(node: Tree | null, start: number): Tree | null {
    if (node) {
      const lookAhead = Math.max(REUSE_MARGIN, node.prop(NodeProp.lookAhead) ?? 0);
      this.reusedTo = Math.max(this.reusedTo, start + node.length + lookAhead + 1);
    }
    return node;
  }

  /** The node, or its first child (and so on) when reusing it would change the left-chain count. */
  private counted(node: Tree | null): Tree | null {
    let found = node;
    while (found && longestCountedNode(found) > (this.internals.lastBigReductionSize ?? 0)) {
      const first = found.children[0];
      found = found.positions[0] === 0 && first instanceof Tree ? first : null;
    }
    return found;
  }
}

/**
 * parser.parse in slices, stopped with BeyondParserLimits where Lezer would start cutting the
 * tree, and able to pause at its first syntax error (then continue from there as if it had not
 * paused) or once it has passed a position.
 *
 * While Lezer recovers from a syntax error, nothing is reused from the fragments, and where it did
 * is recorded (`recoveries`): that is what makes an incremental parse of a broken file equal a
 * fresh one without re-parsing everything around the error. Why it is enough (@lezer/lr 1.4,
 * src/parse.ts, Parse.advance and runRecovery):
 * - Outside recovery (`recovering` is 0) a parse has one stack: stacks split only in runRecovery,
 *   which runs only while recovering, or on an ambiguous action, which this grammar has none of
 *   (no `~` markers; `proven` turns false if two stacks are ever seen outside recovery). With one
 *   stack the parse is plain LR, and reusing a node there is Lezer's ordinary incremental contract,
 *   the one every clean keystroke relies on.
 * - Recovery ends only through `recovering == 1`, where the stacks are cut down to the best one
 *   (Rec.MaxRemainingPerStep), so it always hands on exactly one stack. While it runs, the stacks
 *   are chosen by score and order alone; their output buffers' lengths (which reused nodes
 *   shorten) decide only in the pruning of several stacks outside recovery, which cannot happen
 *   (above). So with nothing reused during recovery, the stacks that come out of it are those of a
 *   fresh parse, however long the racing stacks look ahead.
 * - A node reduced during recovery may look valid (a forced reduction leaves no error node) but a
 *   plain parse would not build it; it ends at or after the stuck stack's `reducePos` and at or
 *   before where recovery ended. parse.ts keeps those stretches out of the next parse's fragments.
 * - One more thing a reused node changes: Lezer counts long reductions to cut left-associative
 *   chains (bigReductionCount), and a reused node's inner reductions are not done again. A node is
 *   offered only when no named node in it is long enough to change that count (bigReductions.ts),
 *   else its first child is tried, so the count, and any cut, is a fresh parse's. A cut makes
 *   nodes no plain parse would, so where it happens is recorded like a recovery.
 */
export class ParseWithinLimits {
  private readonly parse: PartialParse;
  private readonly input: ChunkedInput;
  /** Where the parse met its first syntax error, once it has. */
  firstError: number | null = null;
  /** The tree, once finished (it can finish in the step that meets the first error). */
  private tree: Tree | null = null;
  /**
   * Where Lezer recovered from syntax errors or cut a left-associative chain short: every node it
   * reduced meanwhile lies within one.
   */
  readonly recoveries: Recovery[] = [];
  /**
   * Whether the reasoning above holds for this parse (Lezer's internals are as read here, and no
   * two stacks ran outside recovery). When not, a parse that reused fragments must be redone
   * without them.
   */
  proven = true;

  constructor(
    private readonly text: SourceText,
    fragments: readonly TreeFragment[],
    reading?: StringReading,
    /** The grammar's parser, or its variant with small buffers (parser.ts). */
    lezer: LRParser = parser,
  ) {
    // A parse from scratch of a plain string reads it in one chunk: how far it read (dependsTo)
    // then says "everything", so a parse that meets an error hands no string-break decision on to
    // the next one (stringBreaks.ts), which searches again; a parse without error hands on
    // nothing anyway. Lezer reading 1,024 characters at a time cost ~6 % of a parse (the bench's
    // 3,500 files, raw Lezer: 444 ms; this wrapper with chunks 477, with one 449). The language
    // server's documents (a ChunkedText, whose long slices copy) and every parse that reuses
    // fragments keep the chunks.
    this.input = new ChunkedInput(
      text,
      typeof text === 'string' && fragments.length === 0 ? text.length + 1 : CHUNK,
    );
    this.parse = lezer.startParse(this.input, fragments);
    const internals = this.parse as unknown as ParseInternals;
    if (reading && internals.stream) stringReadings.set(internals.stream, reading);
    this.watchRecovery(internals);
  }

  /**
   * Puts a cursor of our own in Lezer's `fragments` field: it offers nothing while the parse
   * recovers, and only nodes that leave the left-chain count as a fresh parse keeps it. The
   * field stays a plain data field: accessors on the Parse object (the first way this was done)
   * turned it into a slow, dictionary-mode object for V8, and every field Lezer's loop reads cost
   * more: a clean keystroke on the 20k-line config took ~1.7x as long, a cold parse ~1.2x.
   * Recovery's start and end are read between steps instead (advance below).
   */
  private watchRecovery(internals: ParseInternals): void {
    const fragmentsField = Object.getOwnPropertyDescriptor(internals, 'fragments');
    if (
      typeof internals.recovering !== 'number' ||
      typeof internals.lastBigReductionSize !== 'number' ||
      !fragmentsField ||
      !('value' in fragmentsField)
    ) {
      this.proven = false;
      this.unwatched = true;
      return;
    }
    const cursor = fragmentsField.value as FragmentCursorInternals | null;
    if (!cursor) return;
    this.gate = new GatedFragments(cursor, internals);
    internals.fragments = this.gate;
  }

  /**
   * Records the start and end of a recovery, read after the step that started or ended it. Lezer
   * (@lezer/lr 1.4.12, src/parse.ts, Parse.advance) sets `recovering` when every stack of a step
   * got stuck, and counts it down at the end of a step, after which the step's stacks do not move:
   * where they stand then is where recovery ended.
   */
  private noteRecovery(recoveringBefore: number, reducedBefore: number): void {
    const internals = this.parse as unknown as ParseInternals;
    const recovering = internals.recovering ?? 0;
    if (!recoveringBefore && recovering) this.recoveries.push({ from: reducedBefore, to: this.text.length });
    else if (recoveringBefore && !recovering) {
      const last = this.recoveries[this.recoveries.length - 1];
      if (last) last.to = Math.max(...(internals.stacks ?? []).map((s) => s.pos ?? this.text.length));
    }
  }

  /**
   * Where the nodes offered for reuse so far end, with the lookahead they were built with: a reused
   * node stands for the text it covers and what its tokens looked at past it (at most Lezer's
   * margin of 25 characters unless the node says more, NodeProp.lookAhead; @lezer/lr 1.4.12,
   * FragmentCursor.nodeAt and cutAt). Infinity when reuse could not be watched.
   */
  private get reusedTo(): number {
    return this.unwatched ? Infinity : (this.gate?.reusedTo ?? 0);
  }

  /** Lezer's cursor as this parse offers it (null when nothing is reused). */
  private gate: GatedFragments | null = null;
  /** Whether Lezer's internals were not as read here, so reuse could not be watched. */
  private unwatched = false;

  /**
   * What the parse so far has depended on lies before this position (past the text's length: all
   * of it, and where it ends): the text it read, and the text of the nodes it was offered for reuse.
   * A parse of another text equal before it would have gone the same way so far.
   */
  get dependsTo(): number {
    return Math.max(this.input.readTo, this.reusedTo);
  }

  get parsedPos(): number {
    return this.parse.parsedPos;
  }

  advance(until: number, watch: ParseWatch = {}): ParseStep {
    const { parse, text } = this;
    const internals = parse as unknown as ParseInternals;
    const { firstError: stopAtError, reach } = watch;
    // (Each step's checks are written for the common case, one stack and no recovery, with the
    // others beside it: a parse of the 20,000-line config takes ~190,000 steps.)
    for (let steps = 1; ; steps++) {
      if (stopAtError && this.firstError !== null) return 'error';
      if (this.tree) return this.tree;
      if (reach !== undefined && parse.parsedPos >= reach) return 'reached';
      const stacksBefore = internals.stacks ?? NO_STACKS;
      const recoveringBefore = internals.recovering ?? 0;
      // Where the stacks stood before this step: if it starts a recovery, every node reduced from
      // then on ends here or later (a stack's reducePos only grows while it advances).
      let reducedBefore = 0;
      const alone = stacksBefore.length === 1 ? stacksBefore[0] : undefined;
      // (Lezer's parsedPos is its stacks' lowest position.)
      const before = alone?.pos ?? parse.parsedPos;
      if (alone) {
        // This step starts with Lezer's left-chain cut (in a broken file, see below): it
        // force-reduces the chain where the stack stands, and a node so made is no plain parse's
        // either.
        if ((internals.bigReductionCount ?? 0) > MAX_LEFT_CHAIN)
          this.recoveries.push({ from: alone.reducePos ?? 0, to: alone.pos ?? text.length });
        if (!recoveringBefore) reducedBefore = Math.min(text.length, alone.reducePos ?? 0);
      } else if (!recoveringBefore) {
        if (stacksBefore.length > 1) this.proven = false;
        reducedBefore = lowestReducePos(stacksBefore, text.length);
      }
      const tree = parse.advance();
      const recovering = internals.recovering ?? 0;
      if (recovering || recoveringBefore) {
        this.noteRecovery(recoveringBefore, reducedBefore);
        if (this.firstError === null && recovering) this.firstError = before;
      }
      if (tree) {
        this.tree = tree;
        continue;
      }
      const stacks = internals.stacks;
      if (stacks) {
        const single = stacks.length === 1 ? stacks[0] : undefined;
        if (single) {
          // Exactly the condition under which the next advance() cuts a left-associative chain,
          // unless the parse already recovered from an error (a negative score): in a broken
          // file (an unclosed string turns a shell script into code, `autoload -U compinit …`
          // into one long call) the syntax error is what to report, and Lezer's cut costs little.
          if ((internals.bigReductionCount ?? 0) > MAX_LEFT_CHAIN && (single.score ?? 0) >= 0)
            throw new BeyondParserLimits('chain', single.pos ?? parse.parsedPos, text);
          if ((single.stack?.length ?? 0) >= LEZER_CUT_DEPTH - STACK_MARGIN)
            throw new BeyondParserLimits('nesting', single.pos ?? parse.parsedPos, text);
        } else
          for (const stack of stacks)
            if ((stack.stack?.length ?? 0) >= LEZER_CUT_DEPTH - STACK_MARGIN)
              throw new BeyondParserLimits('nesting', stack.pos ?? parse.parsedPos, text);
      }
      if (steps % STEPS_PER_CLOCK_CHECK === 0 && performance.now() >= until) return null;
    }
  }
}

const NO_STACKS: readonly StackInternals[] = [];

function lowestReducePos(stacks: readonly StackInternals[], end: number): number {
  let lowest = end;
  for (const stack of stacks) lowest = Math.min(lowest, stack.reducePos ?? 0);
  return lowest;
}
