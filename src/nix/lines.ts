/**
 * Offsets ↔ LSP positions. Offsets are JavaScript string indices, i.e. UTF-16 code units, which is
 * what LSP's default position encoding counts, so only lines need working out. Line breaks are
 * \n, \r\n and \r, as in LSP.
 *
 * Line starts are found only as far into the text as the offsets and lines asked for: an analysis
 * converts a handful of findings, usually near the top of a file, and should not scan all of a
 * 20,000-line file for them on every keystroke.
 */
import type { SourceText } from './sourceText.js';
import type { Position } from '../protocol/findings.js';

/** One edited range ([fromA, toA) of the old text became [fromB, toB), as parse.ts's TextChange). */
interface Change {
  fromA: number;
  toA: number;
  fromB: number;
  toB: number;
}

export class LineIndex {
  /**
   * Every line start found so far, ascending, in the first `count` places. A typed array: its
   * memory comes from outside the JavaScript heap and is reused, where a 20,000-entry array made on
   * every keystroke cost page faults (~0.7 ms each time on the CI machine, CONTRIBUTING.md).
   */
  private starts = new Int32Array(64);
  private count = 1;
  /** The text before this offset has been scanned for line breaks. */
  private scanned = 0;
  /** Whether the text has a \r (else its breaks are found with indexOf, several times faster). */
  private carriageReturns: boolean | undefined;

  constructor(private readonly text: SourceText) {}

  /**
   * The index of `text`, made from `previous` (the index of the text before `changes`): the line
   * starts before the first change are kept, those after the last are moved, and only the text
   * between is searched again. A syntax error at the end of a 20,000-line file has its position
   * asked on every keystroke: searching all its lines again each time cost ~0.5 ms. With a \r in
   * either text (a change could join \r and \n), or changes that do not add up to `text`, the
   * new index starts from nothing.
   */
  static after(previous: LineIndex, changes: readonly Change[], text: SourceText): LineIndex {
    const index = new LineIndex(text);
    const first = changes[0];
    const last = changes[changes.length - 1];
    const moved = changes.reduce((sum, c) => sum + (c.toB - c.fromB) - (c.toA - c.fromA), 0);
    if (!first || !last || previous.text.length + moved !== text.length || previous.scanned === 0)
      return index;
    previous.carriageReturns ??= previous.text.indexOf('\r') >= 0;
    if (previous.carriageReturns) return index;
    // The text before had no \r, so the new one has one only where the changes wrote: searched
    // there, not in the whole text on every keystroke.
    index.carriageReturns = changes.some((c) => text.slice(c.fromB, c.toB).indexOf('\r') >= 0);
    if (index.carriageReturns) return index;
    // Before the first change nothing moved: a start at p follows a break at p - 1 < fromA.
    const kept = previous.countUpTo(first.fromA);
    const after = previous.count - previous.countUpTo(last.toA);
    index.starts = new Int32Array(Math.max(64, kept + after + 64));
    index.starts.set(previous.starts.subarray(0, kept));
    index.count = kept;
    if (previous.scanned <= first.fromA) {
      index.scanned = previous.scanned;
      return index;
    }
    // The changed stretch (and what lies between changes), searched in the new text.
    for (let lf = text.indexOf('\n', first.fromB); lf >= 0 && lf < last.toB; lf = text.indexOf('\n', lf + 1))
      index.push(lf + 1);
    index.scanned = last.toB;
    if (previous.scanned <= last.toA) return index;
    // After the last change, every start found before moves with the text: a break at p - 1 >= toA.
    const shift = last.toB - last.toA;
    index.reserve(after);
    const { starts } = index;
    for (let i = previous.count - after, j = index.count; i < previous.count; i++, j++)
      starts[j] = (previous.starts[i] ?? 0) + shift;
    index.count += after;
    index.scanned = previous.scanned + shift;
    return index;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    this.scan(clamped);
    const line = this.countUpTo(clamped) - 1;
    return { line, character: clamped - (this.starts[line] ?? 0) };
  }

  offsetAt(position: Position): number {
    const line = Math.max(0, position.line);
    // Up to the start of the line after it, which bounds the character.
    this.scan(this.text.length, line + 1);
    if (line >= this.count) return this.text.length;
    const start = this.starts[line] ?? 0;
    const next = line + 1 < this.count ? (this.starts[line + 1] ?? 0) : this.text.length;
    return Math.min(start + Math.max(0, position.character), next);
  }

  /** How many of the starts found are at or before `offset`. */
  private countUpTo(offset: number): number {
    const { starts } = this;
    let low = 0;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((starts[mid] ?? 0) <= offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Room for `more` starts. */
  private reserve(more: number): void {
    if (this.count + more <= this.starts.length) return;
    const grown = new Int32Array(Math.max(this.starts.length * 2, this.count + more));
    grown.set(this.starts.subarray(0, this.count));
    this.starts = grown;
  }

  private push(start: number): void {
    if (this.count === this.starts.length) this.reserve(1);
    this.starts[this.count++] = start;
  }

  /** Finds the line starts before `offset` (a start follows a break), stopping once `lines` + 1 are known. */
  private scan(offset: number, lines = Infinity): void {
    const { text } = this;
    if (this.scanned >= offset) return;
    this.carriageReturns ??= text.indexOf('\r') >= 0;
    if (!this.carriageReturns) {
      // A syntax error at the end of a 20,000-line file has its position asked on every keystroke.
      let i = this.scanned;
      while (this.count <= lines) {
        const lf = text.indexOf('\n', i);
        if (lf < 0 || lf >= offset) {
          i = offset;
          break;
        }
        this.push(lf + 1);
        i = lf + 1;
      }
      this.scanned = Math.max(this.scanned, i);
      return;
    }
    let i = this.scanned;
    for (; i < offset && this.count <= lines; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.push(i + 1);
      }
    }
    this.scanned = Math.max(this.scanned, i);
  }
}

/**
 * A parse as far as lines are concerned: its text, and the index once made. The index is a field
 * of the parse, not the value of a WeakMap keyed by it: with such a map every keystroke's parse,
 * its tree and the memo's recordings stayed alive through young-generation collections until the
 * next full one (docs/dev/architecture.md#memory-while-typing).
 */
export interface Lined {
  readonly text: SourceText;
  lines?: LineIndex | undefined;
}

/** The line index of a parse, made on first use (or carried from the previous parse's, carryLines). */
export function lineIndexOf(parsed: Lined): LineIndex {
  return (parsed.lines ??= new LineIndex(parsed.text));
}

/** Gives `next` (the parse of the text `changes` made of `previous`'s) an index made from `previous`'s, if it has one. */
export function carryLines(previous: Lined, changes: readonly Change[], next: Lined): void {
  const before = previous.lines;
  if (before && !next.lines) next.lines = LineIndex.after(before, changes, next.text);
}
