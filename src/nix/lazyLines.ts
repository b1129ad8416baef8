/**
 * Offsets to LSP positions like LineIndex (lines.ts), but finding line starts only as far into
 * the text as the offsets asked for: an analysis converts a handful of findings, usually near
 * the top of a file, and should not scan all of a 20,000-line file for them on every keystroke.
 * Line breaks are \n, \r\n and \r, as in LSP.
 */
import type { Position } from '../protocol/findings.js';

export class LazyLineIndex {
  /** Every line start found so far, ascending. */
  private readonly starts: number[] = [0];
  /** The text before this offset has been scanned for line breaks. */
  private scanned = 0;

  constructor(private readonly text: string) {}

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    this.scanTo(clamped);
    const { starts } = this;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - (starts[low] ?? 0) };
  }

  /** Finds every line start at or before `offset` (a start follows a break before it). */
  private scanTo(offset: number): void {
    const { text, starts } = this;
    let i = this.scanned;
    for (; i < offset; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.scanned = Math.max(this.scanned, i);
  }
}
