/**
 * The text the engine reads: a plain string (the CLI, `check`, tests), or a ChunkedText (the
 * language server's open documents). The engine reads it only through `length`, `charCodeAt`,
 * `slice` and `indexOf`, which a string has; so `check` pays nothing for the server's need.
 *
 * Why the server needs another kind of text: a string edited in the middle is a new string, and
 * V8 copies all of it when it is next read (it "flattens" the rope that `a + b + c` made). For a
 * 20,000-line file (636 KiB) that copy lands in fresh pages of V8's large-object space on every
 * keystroke: 2.1–2.5 ms of page faults on the CI machine, more than the parse and the rules
 * together (docs/dev/architecture.md#the-text-of-an-open-document). A ChunkedText is the same text
 * in pieces of about CHUNK characters: an edit copies the one or two pieces it touches, and
 * `slice` of a range inside a piece is a V8 sliced string, which copies nothing.
 *
 * Invariant: what a ChunkedText gives through these methods is exactly what the string
 * `toString()` returns gives (tested against strings on random edits, sourceText.test.ts).
 */

export interface SourceText {
  readonly length: number;
  charCodeAt(index: number): number;
  /** As String.prototype.slice (negative indices count from the end). */
  slice(start?: number, end?: number): string;
  /** As String.prototype.indexOf. */
  indexOf(search: string, position?: number): number;
  /** As String.prototype.lastIndexOf. */
  lastIndexOf(search: string, position?: number): number;
}

/** Characters per piece when a text is cut; a piece grows to twice that before it is cut again. */
const CHUNK = 16 * 1024;

/** `text` with [from, to) replaced by `insert`, of the same kind (a ChunkedText stays chunked). */
export function replaceIn(text: SourceText, from: number, to: number, insert: string): SourceText {
  return typeof text === 'string'
    ? text.slice(0, from) + insert + text.slice(to)
    : (text as ChunkedText).replace(from, to, insert);
}

/** The character at `index`, or '' outside the text (a string's `text[index] ?? ''`). */
export function charAt(text: SourceText, index: number): string {
  return index >= 0 && index < text.length ? text.slice(index, index + 1) : '';
}

/** The 1-based number of the line holding `offset` (lines end at \n), read without copying the text. */
export function lineNumberAt(text: SourceText, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** String.prototype.slice's reading of an index (negative from the end, clamped to [0, length]). */
function sliceIndex(index: number | undefined, length: number, otherwise: number): number {
  if (index === undefined) return otherwise;
  const i = Math.trunc(index) || 0;
  return i < 0 ? Math.max(0, length + i) : Math.min(i, length);
}

export class ChunkedText implements SourceText {
  /** The piece that held the last position read: reads are mostly near each other. */
  private hint = 0;
  private flat: string | undefined;

  private constructor(
    /** The pieces, none empty (an empty text has none). */
    private readonly pieces: readonly string[],
    /** Where each piece starts; starts[pieces.length] is the length. */
    private readonly starts: readonly number[],
    /** Characters per piece (CHUNK; smaller in tests, to cross many pieces). */
    private readonly chunk: number,
  ) {}

  static from(text: string, chunk = CHUNK): ChunkedText {
    const pieces: string[] = [];
    for (let at = 0; at < text.length; at += chunk) pieces.push(text.slice(at, at + chunk));
    const chunked = new ChunkedText(pieces, startsOf(pieces), chunk);
    chunked.flat = text;
    return chunked;
  }

  get length(): number {
    return this.starts[this.pieces.length] ?? 0;
  }

  /** The text with [from, to) replaced by `insert` (this text is left as it is). */
  replace(from: number, to: number, insert: string): ChunkedText {
    const length = this.length;
    from = Math.max(0, Math.min(from, length));
    to = Math.max(from, Math.min(to, length));
    if (this.pieces.length === 0) return ChunkedText.from(insert, this.chunk);
    // The first piece the edit touches: the one holding `from` (the last one when appending).
    const first = from < length ? this.pieceAt(from) : this.pieces.length - 1;
    // The last piece the edit touches: the one holding `to`, or the one ending there.
    const last = to === from ? first : this.pieceAt(to - 1);
    const head = (this.pieces[first] ?? '').slice(0, from - (this.starts[first] ?? 0));
    const tail = (this.pieces[last] ?? '').slice(to - (this.starts[last] ?? 0));
    let joined = head + insert + tail;
    // A piece grown small is joined to its neighbour, so deleting does not leave a trail of crumbs.
    let before = first;
    let after = last + 1;
    const { chunk } = this;
    if (joined.length < chunk / 4) {
      if (after < this.pieces.length) joined += this.pieces[after++];
      else if (before > 0) joined = (this.pieces[--before] ?? '') + joined;
    }
    const made: string[] = [];
    // (Cut from the flat copy: slicing the rope `joined` would flatten it once per piece.)
    const flatJoined = joined.length > 2 * chunk ? flattened(joined) : joined;
    if (flatJoined.length > 2 * chunk)
      for (let at = 0; at < flatJoined.length; at += chunk) made.push(flatJoined.slice(at, at + chunk));
    else if (flatJoined.length > 0) made.push(flatJoined);
    const pieces = [...this.pieces.slice(0, before), ...made, ...this.pieces.slice(after)];
    return new ChunkedText(pieces, startsOf(pieces), chunk);
  }

  charCodeAt(index: number): number {
    if (!(index >= 0 && index < this.length)) return NaN;
    const i = this.pieceAt(index);
    return (this.pieces[i] as string).charCodeAt(index - (this.starts[i] as number));
  }

  slice(start?: number, end?: number): string {
    const length = this.length;
    const from = sliceIndex(start, length, 0);
    const to = sliceIndex(end, length, length);
    if (to <= from) return '';
    if (from === 0 && to === length) return this.toString();
    if (this.flat !== undefined) return this.flat.slice(from, to);
    const first = this.pieceAt(from);
    const firstStart = this.starts[first] as number;
    if (to <= (this.starts[first + 1] as number))
      return (this.pieces[first] as string).slice(from - firstStart, to - firstStart);
    const last = this.pieceAt(to - 1);
    let result = (this.pieces[first] as string).slice(from - firstStart);
    for (let i = first + 1; i < last; i++) result += this.pieces[i];
    return result + (this.pieces[last] as string).slice(0, to - (this.starts[last] as number));
  }

  indexOf(search: string, position = 0): number {
    const length = this.length;
    const from = Math.min(Math.max(0, Math.trunc(position) || 0), length);
    if (search.length === 0) return from;
    if (from >= length) return -1;
    const overlap = search.length - 1;
    for (let i = this.pieceAt(from); i < this.pieces.length; i++) {
      const start = this.starts[i] as number;
      // A match may run into the next pieces: search this piece and what may follow it.
      const window =
        overlap > 0
          ? this.slice(start, Math.min(length, (this.starts[i + 1] as number) + overlap))
          : this.pieces[i];
      const found = (window as string).indexOf(search, Math.max(0, from - start));
      if (found >= 0) return start + found;
    }
    return -1;
  }

  lastIndexOf(search: string, position = Infinity): number {
    const length = this.length;
    const at = Number.isNaN(position) ? length : Math.min(Math.max(0, Math.trunc(position)), length);
    if (search.length === 0) return at;
    if (length === 0) return -1;
    const overlap = search.length - 1;
    for (let i = this.pieceAt(Math.min(at, length - 1)); i >= 0; i--) {
      const start = this.starts[i] as number;
      const window =
        overlap > 0
          ? this.slice(start, Math.min(length, (this.starts[i + 1] as number) + overlap))
          : this.pieces[i];
      const found = (window as string).lastIndexOf(search, at - start);
      if (found >= 0) return start + found;
    }
    return -1;
  }

  /** The whole text as one string (made once: a copy of all of it). */
  toString(): string {
    if (this.flat === undefined) this.flat = flattened(this.pieces.join(''));
    return this.flat;
  }

  /** The piece holding `index` (0 <= index < length). */
  private pieceAt(index: number): number {
    const { starts } = this;
    const hint = this.hint;
    if (index >= (starts[hint] as number) && index < (starts[hint + 1] as number)) return hint;
    let low = 0;
    let high = this.pieces.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] as number) <= index) low = middle;
      else high = middle - 1;
    }
    this.hint = low;
    return low;
  }
}

function startsOf(pieces: readonly string[]): number[] {
  const starts = new Array<number>(pieces.length + 1);
  let at = 0;
  for (let i = 0; i < pieces.length; i++) {
    starts[i] = at;
    at += (pieces[i] as string).length;
  }
  starts[pieces.length] = at;
  return starts;
}

/** `text` made flat now (V8 flattens a rope on its first indexed read). */
function flattened(text: string): string {
  text.charCodeAt(0);
  return text;
}
