/**
 * A fix built step by step: each edit is computed against the text the earlier edits produced
 * (so "remove sshOptions, then add protocol to the same set" sees the set without sshOptions),
 * and the chain hands back edits against the original text that never overlap, as LSP requires
 * ("text edits ranges must never overlap"). An edit that reaches into text an earlier edit wrote
 * is merged with it into one edit.
 */
import { replaceIn, type SourceText } from './sourceText.js';
import type { OffsetEdit } from './print.js';
import type { Span } from './model.js';

export class EditChain {
  /** The text after every edit so far. */
  text: SourceText;
  /** Against the original text: sorted, disjoint, and never touching (touching ones are merged). */
  private readonly done: OffsetEdit[] = [];

  constructor(readonly original: SourceText) {
    this.text = original;
  }

  /** The edits so far, against the original text. */
  get edits(): OffsetEdit[] {
    return this.done.map((e) => ({ ...e }));
  }

  /**
   * Where an offset of the original text is now, or undefined when an earlier edit replaced the
   * text around it (offsets at the very edge of an edit stay valid: before it for `from`-like
   * uses, after it for `to`-like ones, by `side`).
   */
  map(offset: number, side: 'before' | 'after' = 'before'): number | undefined {
    let shift = 0;
    for (const e of this.done) {
      if (offset < e.from || (offset === e.from && side === 'before')) break;
      if (offset < e.to) return undefined;
      shift += e.newText.length - (e.to - e.from);
    }
    return offset + shift;
  }

  /** A span of the original text, where it is now (undefined when an edit cut into it). */
  mapSpan(span: Span): Span | undefined {
    const from = this.map(span.from, 'before');
    const to = this.map(span.to, 'after');
    return from === undefined || to === undefined ? undefined : { from, to };
  }

  /** Applies an edit given against the original text (it must not cut into an earlier edit). */
  addOriginal(edit: OffsetEdit): boolean {
    const from = this.map(edit.from, 'before');
    const to = this.map(edit.to, 'after');
    if (from === undefined || to === undefined || to < from) return false;
    this.add({ from, to, newText: edit.newText });
    return true;
  }

  /** Applies an edit given against the current text. */
  add(edit: OffsetEdit): void {
    const { from: a, to: b, newText } = edit;
    // Each earlier edit's place in the current text; those that touch [a, b] merge with it.
    let shift = 0;
    let first: { index: number; edit: OffsetEdit; shiftBefore: number } | undefined;
    let last: { index: number; edit: OffsetEdit; shiftAfter: number } | undefined;
    for (const [index, e] of this.done.entries()) {
      const curFrom = e.from + shift;
      const curTo = curFrom + e.newText.length;
      const delta = e.newText.length - (e.to - e.from);
      if (curTo >= a && curFrom <= b) {
        first ??= { index, edit: e, shiftBefore: shift };
        last = { index, edit: e, shiftAfter: shift + delta };
      } else if (curFrom > b) break;
      shift += delta;
    }
    if (first === undefined || last === undefined) {
      // Untouched text: shift back by the edits before it.
      let before = 0;
      let index = 0;
      for (const e of this.done) {
        if (e.from + before > a) break;
        before += e.newText.length - (e.to - e.from);
        index++;
      }
      this.done.splice(index, 0, { from: a - before, to: b - before, newText });
    } else {
      const { edit: firstEdit, shiftBefore: shiftBeforeFirst } = first;
      const { edit: lastEdit, shiftAfter: shiftAfterLast } = last;
      const curStart = Math.min(a, firstEdit.from + shiftBeforeFirst);
      const lastCurTo =
        lastEdit.from +
        shiftAfterLast -
        (lastEdit.newText.length - (lastEdit.to - lastEdit.from)) +
        lastEdit.newText.length;
      const curEnd = Math.max(b, lastCurTo);
      const origFrom = a < firstEdit.from + shiftBeforeFirst ? a - shiftBeforeFirst : firstEdit.from;
      const origTo = b > lastCurTo ? b - shiftAfterLast : lastEdit.to;
      const merged = this.text.slice(curStart, a) + newText + this.text.slice(b, curEnd);
      this.done.splice(first.index, last.index - first.index + 1, {
        from: origFrom,
        to: origTo,
        newText: merged,
      });
    }
    this.text = replaceIn(this.text, a, b, newText);
  }
}
