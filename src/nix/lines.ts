/**
 * Offsets ↔ LSP positions. Offsets are JavaScript string indices, i.e. UTF-16 code units, which is
 * what LSP's default position encoding counts, so only lines need working out. Line breaks are
 * \n, \r\n and \r, as in LSP.
 *
 * Line starts are found only as far into the text as the offsets and lines asked for: an analysis
 * converts a handful of findings, usually near the top of a file, and should not scan all of a
 * 20,000-line file for them on every keystroke.
 */
import type { Position } from '../protocol/findings.js';

export class LineIndex {
  /** Every line start found so far, ascending. */
  private readonly starts: number[] = [0];
  /** The text before this offset has been scanned for line breaks. */
  private scanned = 0;

  constructor(private readonly text: string) {}

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    this.scan(clamped);
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

  offsetAt(position: Position): number {
    const line = Math.max(0, position.line);
    // Up to the start of the line after it, which bounds the character.
    this.scan(this.text.length, line + 1);
    const start = this.starts[line];
    if (start === undefined) return this.text.length;
    const next = this.starts[line + 1] ?? this.text.length;
    return Math.min(start + Math.max(0, position.character), next);
  }

  /** Whether the text has a \r (else its breaks are found with indexOf, several times faster). */
  private carriageReturns: boolean | undefined;

  /** Finds the line starts before `offset` (a start follows a break), stopping once `lines` + 1 are known. */
  private scan(offset: number, lines = Infinity): void {
    const { text, starts } = this;
    if (this.scanned >= offset) return;
    this.carriageReturns ??= text.includes('\r');
    if (!this.carriageReturns) {
      // A syntax error at the end of a 20,000-line file has its position asked on every keystroke.
      let i = this.scanned;
      while (starts.length <= lines) {
        const lf = text.indexOf('\n', i);
        if (lf < 0 || lf >= offset) {
          i = offset;
          break;
        }
        starts.push(lf + 1);
        i = lf + 1;
      }
      this.scanned = Math.max(this.scanned, i);
      return;
    }
    let i = this.scanned;
    for (; i < offset && starts.length <= lines; i++) {
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
