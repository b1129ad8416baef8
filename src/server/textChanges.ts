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

/** An incremental LSP content change: a range of the text before it, and what replaces it. */
interface RangeChange {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  text: string;
}

/** The document operations combineDescending needs (vscode-languageserver-textdocument's TextDocument). */
interface OffsetDocument {
  offsetAt(position: { line: number; character: number }): number;
  getText(): string;
}

/**
 * The changes of one notification as one change of the text before them, with each one's offsets
 * (from, to, inserted length, in order of application): undefined unless every change lies before
 * the one applied ahead of it, which is how VS Code sends several cursors' changes, the last one
 * first (usually, not by contract: microsoft/vscode#88570; hence the check). Then each
 * range is the same in the text before the notification as in the text its turn sees, and the
 * changes give the same text applied together as one after another.
 *
 * Why: vscode-languageserver-textdocument makes the whole text flat again for each change it
 * applies (it reads characters around the edit), a copy of the file per cursor: 10 cursors on a
 * 20,000-line file took 28 ms of copies per keystroke. One change costs at most two copies, whatever
 * the number of cursors: the stretch between the outer cursors, whose lines the library counts, and
 * the whole text. Measured through the server on that file: 10 cursors 7 lines apart, 35.5 → 7.4 ms
 * per keystroke; 10 cursors spread over the file, 42.7 → 16.5 ms.
 */
export function combineDescending(
  document: OffsetDocument,
  changes: readonly RangeChange[],
): { change: RangeChange; edits: { from: number; to: number; length: number }[] } | undefined {
  if (changes.length < 2) return undefined;
  const edits = changes.map((c) => {
    const a = document.offsetAt(c.range.start);
    const b = document.offsetAt(c.range.end);
    // (A range given end first is taken as the library takes it: the earlier position starts it.)
    return a <= b
      ? { from: a, to: b, length: c.text.length, start: c.range.start, end: c.range.end, text: c.text }
      : { from: b, to: a, length: c.text.length, start: c.range.end, end: c.range.start, text: c.text };
  });
  for (let i = 1; i < edits.length; i++) {
    const edit = edits[i];
    const ahead = edits[i - 1];
    // Strictly before, not touching: two changes at one offset depend on their order.
    if (edit === undefined || ahead === undefined || edit.to >= ahead.from) return undefined;
  }
  const lowest = edits[edits.length - 1];
  const highest = edits[0];
  if (lowest === undefined || highest === undefined) return undefined;
  // Slices of the flat text before the edits copy nothing, and neither does joining them with
  // `+`: the copies are made when the library reads the result (see above).
  const before = document.getText();
  let text = '';
  for (let i = edits.length - 1; i >= 0; i--) {
    const edit = edits[i];
    if (edit === undefined) continue;
    text += edit.text;
    const next = edits[i - 1];
    if (next !== undefined) text += before.slice(edit.to, next.from);
  }
  return {
    change: { range: { start: lowest.start, end: highest.end }, text },
    edits: edits.map(({ from, to, length }) => ({ from, to, length })),
  };
}

/** `edits` (from, to and inserted length, in order of application, as combineDescending gives them) added to a composition. */
export function composeEdits(
  changes: readonly TextChange[],
  edits: readonly { from: number; to: number; length: number }[],
): TextChange[] {
  let composed = [...changes];
  for (const edit of edits) composed = composeChange(composed, edit.from, edit.to, edit.length);
  return composed;
}
