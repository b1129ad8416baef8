/**
 * Reading past an unclosed "…" string (issue 8, goal 2). Nix strings may span lines, so in
 * `arch = "aarch64-darwin;⏎ …` the string runs on to the next `"` (the opening quote of the next
 * string), and from there on every string reads as code and every piece of code as a string:
 * thousands of syntax errors to the end of the file, all of them re-parsed on every keystroke
 * (what Lezer recovered in is never reused, see notReusable in parse.ts).
 *
 * So when a parse meets a syntax error, each string shortly before it that runs over a line break
 * is tried as if its closing quote were missing before a `;` of its first line, or at that line's
 * end (tokens.ts lists the places, earliest first): the tokenizer ends the string there with a
 * zero-width MissingQuote, which syntaxProblems.ts reports. The first place with which the parse
 * gets past the line after the error is kept; with none, the file reads exactly as before. A valid file never gets a break (a break is
 * only tried after a syntax error), so its tree is the one `nix-instantiate --parse` agrees with.
 *
 * The result is a function of the text alone (the breaks are found again on every parse, from the
 * tree of each step, never carried over), so an incremental parse equals a fresh one. Reused
 * fragments never straddle a break: parse.ts excludes the region around each MissingQuote from
 * reuse like an error's, and each step here cuts the fragments around the breaks it tries.
 */
import type { SourceText } from './sourceText.js';
import { TreeFragment, type Tree } from '@lezer/common';
import type { LRParser } from '@lezer/lr';
import { ParseWithinLimits, type ParseStep, type ParseWatch, type Recovery } from './parseWithinLimits.js';
import type { MultiLineContent } from './tokens.js';

/** How far before the first error a string may end and still be the one left unclosed. */
const WINDOW = 2048;
/** Places tried per error, and breaks per file. */
const MAX_CANDIDATES = 6;
const MAX_BREAKS = 3;

/** The clock deadline of the current slice, shared by the steps of one parse. */
interface Slice {
  until: number;
}

/** Runs `parse` until it finishes or stops as `watch` asks, yielding whenever the slice is over. */
function* run(
  parse: ParseWithinLimits,
  watch: ParseWatch,
  slice: Slice,
): Generator<void, Exclude<ParseStep, null>> {
  for (;;) {
    const step = parse.advance(slice.until, watch);
    if (step !== null) return step;
    yield;
  }
}

/** `fragments` without anything within a character of `breaks` or from `from` on. */
function cut(fragments: readonly TreeFragment[], breaks: readonly number[], length: number, from = length) {
  const ranges: { fromA: number; toA: number; fromB: number; toB: number }[] = [];
  const add = (a: number, b: number): void => {
    const last = ranges[ranges.length - 1];
    if (last && a <= last.toA) last.toA = last.toB = Math.max(last.toA, b);
    else ranges.push({ fromA: a, toA: b, fromB: a, toB: b });
  };
  for (const b of [...breaks].sort((x, y) => x - y))
    if (b - 1 < from) add(Math.max(0, b - 1), Math.min(length, b + 1));
  if (from < length) add(from, length);
  return ranges.length > 0 ? TreeFragment.applyChanges(fragments, ranges) : fragments;
}

/** The end of the line after the one holding `offset` (or the text's end). */
function endOfNextLine(text: SourceText, offset: number): number {
  const first = text.indexOf('\n', offset);
  if (first < 0) return text.length;
  const second = text.indexOf('\n', first + 1);
  return second < 0 ? text.length : second;
}

/**
 * The breaks a parse settled on, and what that depended on: the next parse of a text equal before
 * `dependsTo` settles on them too, without searching again (parseReadingStrings).
 */
export interface BreakDecision {
  /** The breaks kept, ascending. */
  readonly breaks: readonly number[];
  /**
   * The error where the search stopped (no break helped there, or enough were made), after which
   * the parse read on as it was; null when the parse with `breaks` went on looking for errors.
   */
  readonly stopAt: number | null;
  /** Every parse of the search, up to each of its decisions, depended only on the text before this. */
  readonly dependsTo: number;
}

/** A finished parse: its tree, and what ParseWithinLimits says about how Lezer recovered in it. */
export interface ReadStrings {
  tree: Tree;
  recoveries: readonly Recovery[];
  proven: boolean;
  decision: BreakDecision;
}

const finished = (parse: ParseWithinLimits, tree: Tree, decision: BreakDecision): ReadStrings => ({
  tree,
  recoveries: parse.recoveries,
  proven: parse.proven,
  decision,
});

/**
 * Parses `text` with `fragments` reused, deciding which strings read as unclosed; yields between
 * slices of work (the deadline is read from `slice` each time).
 *
 * `earlier`: what the last parse of the document decided, when the edits since lie after its
 * `dependsTo` (the caller checks). The search is a function of the text before that, so it would
 * go the same way: the parse starts with those breaks, as the kept trial did, and searches only at
 * errors after them. (If the parse does not stop where the earlier one did, which the reasoning
 * excludes, the search is made afresh.) A keystroke two thirds into a 20k-line file with an error a
 * third in was spending as much on the search, a parse around the error, as on the rest.
 *
 * `lezer`: the parser to parse with (parser.ts: the grammar's, or its variant with small buffers).
 */
export function* parseReadingStrings(
  text: SourceText,
  fragments: readonly TreeFragment[],
  slice: Slice,
  earlier?: BreakDecision,
  lezer?: LRParser,
): Generator<void, ReadStrings> {
  let breaks: number[] = [];
  // A parse without fragments reads every string itself: what it records is complete.
  const fresh = fragments.length === 0;
  let recorded: MultiLineContent[] | undefined = fresh ? [] : undefined;
  let dependsTo = 0;
  let stopAt: number | null = null;
  let replay =
    !fresh && earlier && (earlier.breaks.length > 0 || earlier.stopAt !== null) ? earlier : undefined;
  let parse: ParseWithinLimits;
  if (replay) {
    breaks = [...replay.breaks];
    dependsTo = replay.dependsTo;
    parse = new ParseWithinLimits(text, cut(fragments, breaks, text.length), { breaks }, lezer);
  } else parse = new ParseWithinLimits(text, fragments, { breaks, multiLine: recorded }, lezer);
  for (;;) {
    const first = yield* run(parse, { firstError: true }, slice);
    if (first !== 'error' && first !== 'reached')
      return finished(parse, first, { breaks, stopAt, dependsTo });
    const error = parse.firstError ?? text.length;
    if (replay) {
      const { stopAt: stoppedAt } = replay;
      replay = undefined;
      dependsTo = Math.max(dependsTo, parse.dependsTo);
      if (stoppedAt === error) {
        stopAt = error;
        break;
      }
      if (stoppedAt !== null) {
        breaks = [];
        dependsTo = 0;
        parse = new ParseWithinLimits(text, fragments, { breaks }, lezer);
        continue;
      }
      // (An error after the earlier search: searched as usual.)
    }
    dependsTo = Math.max(dependsTo, parse.dependsTo);
    if (breaks.length >= MAX_BREAKS) {
      stopAt = error;
      break;
    }
    // The strings read before the error, from a parse that reads everything near it afresh (one
    // with fragments may have reused pieces there, and so not seen their strings).
    let multiLine = recorded;
    let seenAt = error;
    if (!multiLine) {
      multiLine = [];
      const look = new ParseWithinLimits(
        text,
        cut(fragments, breaks, text.length, Math.max(0, error - WINDOW)),
        { breaks, multiLine },
        lezer,
      );
      yield* run(look, { firstError: true }, slice);
      seenAt = look.firstError ?? text.length;
      dependsTo = Math.max(dependsTo, look.dependsTo);
    }
    const candidates = multiLine
      .filter((s) => s.end > seenAt - WINDOW && s.end <= seenAt)
      .flatMap((s) => s.cuts)
      .filter((b, i, all) => all.indexOf(b) === i && !breaks.includes(b))
      .sort((a, b) => a - b)
      .slice(0, MAX_CANDIDATES);
    const past = endOfNextLine(text, seenAt);
    // (Finding `past` read the text up to it, and its end when there is no line after.)
    dependsTo = Math.max(dependsTo, past < text.length ? past + 1 : text.length + 1);
    let kept: ParseWithinLimits | null = null;
    for (const candidate of candidates) {
      const tried = [...breaks, candidate].sort((a, b) => a - b);
      recorded = fresh ? [] : undefined;
      const trial = new ParseWithinLimits(
        text,
        cut(fragments, tried, text.length),
        { breaks: tried, multiLine: recorded },
        lezer,
      );
      const step = yield* run(trial, { firstError: true, reach: past }, slice);
      dependsTo = Math.max(dependsTo, trial.dependsTo);
      const clean = step === 'reached' || (step !== 'error' && trial.firstError === null);
      if (clean || (trial.firstError ?? 0) > past) {
        kept = trial;
        breaks = tried;
        break;
      }
    }
    if (!kept) {
      stopAt = error;
      break;
    }
    parse = kept;
  }
  // No break helps (or enough were made): the parse reads on from its error as it would have.
  const rest = yield* run(parse, {}, slice);
  if (rest === 'error' || rest === 'reached') throw new Error('unreachable: the parse was not watched');
  return finished(parse, rest, { breaks, stopAt, dependsTo });
}
