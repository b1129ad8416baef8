/**
 * Turns LSP incremental content changes into the changed ranges Lezer's incremental parser
 * needs. LSP applies the changes of one notification one after another, each in the coordinates
 * of the text the previous one produced; Lezer's `TreeFragment.applyChanges` wants one sorted,
 * non-overlapping list of ranges with `fromA/toA` in the old text and `fromB/toB` in the new one
 * (@lezer/common `ChangedRange`). Composing them is what this file does; getting it wrong makes
 * the parser reuse stale subtrees, so it is unit-tested against random edit sequences.
 */

import type { TextChange } from '../nix/parse.js';

const lengthChange = (c: TextChange): number => c.toB - c.fromB - (c.toA - c.fromA);

/**
 * Adds one edit to a composition. `from`/`to` are offsets in the text as it is after `changes`
 * (the "B" side); `insertedLength` is the length of the replacement text. Returns a new array.
 * Changes that overlap or touch the edit are merged with it, so the result stays sorted and
 * non-overlapping on both sides.
 */
export function composeChange(
  changes: readonly TextChange[],
  from: number,
  to: number,
  insertedLength: number,
): TextChange[] {
  if (from === to && insertedLength === 0) return [...changes];
  const delta = insertedLength - (to - from);
  const result: TextChange[] = [];
  let i = 0;
  let next = changes[i];
  // Offset shift (B - A) accumulated by the changes before the current position.
  let shift = 0;
  while (next !== undefined && next.toB < from) {
    shift += lengthChange(next);
    result.push(next);
    next = changes[++i];
  }
  let fromA: number;
  let toA: number;
  let fromB: number;
  let endB: number;
  if (next !== undefined && next.fromB <= to) {
    const first = next;
    // Before `first` the text is unchanged, so a B offset maps to A by subtracting the shift.
    fromB = Math.min(from, first.fromB);
    fromA = first.fromB <= from ? first.fromA : from - shift;
    let last = first;
    while (next !== undefined && next.fromB <= to) {
      last = next;
      shift += lengthChange(last);
      next = changes[++i];
    }
    if (last.toB >= to) {
      toA = last.toA;
      endB = last.toB;
    } else {
      toA = to - shift;
      endB = to;
    }
  } else {
    fromB = from;
    fromA = from - shift;
    toA = to - shift;
    endB = to;
  }
  result.push({ fromA, toA, fromB, toB: endB + delta });
  for (const c of changes.slice(i))
    result.push({ fromA: c.fromA, toA: c.toA, fromB: c.fromB + delta, toB: c.toB + delta });
  return result;
}
