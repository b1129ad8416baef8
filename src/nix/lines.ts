/**
 * Offsets ↔ LSP positions. Offsets are JavaScript string indices, i.e. UTF-16 code units, which is
 * what LSP's default position encoding counts, so only lines need working out. Line breaks are
 * \n, \r\n and \r, as in LSP.
 */
import type { Position } from '../protocol/findings.js';

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - (this.starts[low] ?? 0) };
  }

  offsetAt(position: Position): number {
    if (position.line >= this.starts.length) return this.text.length;
    const start = this.starts[Math.max(0, position.line)] ?? 0;
    const next = this.starts[position.line + 1] ?? this.text.length;
    return Math.min(start + Math.max(0, position.character), next);
  }
}
