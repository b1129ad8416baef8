/**
 * The checks every quick fix passes on its way out of the engine (analyze.ts), whatever rule made
 * it. A fix writes into the user's configuration, so when in doubt it is dropped, never guessed:
 * - no edit may reach into or touch a syntax error: the tree around an error is error recovery's
 *   guess, and a binding span taken from it can run to the end of the file (one missing quote);
 * - the text an edit replaces is one binding (`a = 1;`, with its line) or one expression (a name
 *   or a value), judged by parsing that text on its own, not by the tree of the broken file;
 * - edits never overlap (LSP: "text edits ranges must never overlap"); edits that touch are
 *   merged into one, in the order the rule gave them;
 * - inserted line breaks are the file's own (a CRLF file gets CRLF).
 */
import { charAt, type SourceText } from '../nix/sourceText.js';
import { parser } from '../nix/parser.js';
import type { Span } from '../nix/model.js';
import type { OffsetEdit } from '../nix/print.js';
import type { OffsetFix } from './rule.js';

export type DropReason = 'syntax-error' | 'not-one-binding' | 'overlap';

export interface FixGuard {
  text: SourceText;
  /** The error nodes of the parse as disjoint sorted spans (`mergeSpans`; empty when the file parses). */
  errors: readonly Span[];
  /** The file's line break: the first one it has, `\n` when it has none. */
  eol: string;
}

export function lineEnding(text: SourceText): string {
  // The first break: a \r before the first \n, or that \n (read no further than the first line).
  const lf = text.indexOf('\n');
  const cr = text.slice(0, lf < 0 ? text.length : lf).indexOf('\r');
  const i = cr >= 0 ? cr : lf;
  if (i < 0 || charAt(text, i) === '\n') return '\n';
  return charAt(text, i + 1) === '\n' ? '\r\n' : '\r';
}

/** Error spans merged into disjoint ones, sorted (error nodes nest and overlap). */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.from - b.from);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else out.push({ from: s.from, to: s.to });
  }
  return out;
}

/** Whether [from, to] meets one of the disjoint, sorted `errors`, ends included. */
function touchesError(errors: readonly Span[], from: number, to: number): boolean {
  let low = 0;
  let high = errors.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((errors[mid]?.to ?? Infinity) < from) low = mid + 1;
    else high = mid;
  }
  const first = errors[low];
  return first !== undefined && first.from <= to;
}

function parsesAlone(wrapped: string, container: string, maxItems: number): boolean {
  const tree = parser.parse(wrapped);
  let ok = true;
  tree.iterate({
    enter: (n) => {
      if (n.type.isError) ok = false;
      return ok;
    },
  });
  if (!ok) return false;
  const top = tree.topNode.firstChild;
  if (!top || top.name !== container || top.from !== 0 || top.to !== wrapped.length) return false;
  if (container !== 'AttrSet') return true;
  let items = 0;
  for (let c = top.firstChild; c; c = c.nextSibling)
    if (c.name === 'Binding' || c.name === 'Inherit') items++;
  return items <= maxItems;
}

/** Whether `replaced` is whitespace, one binding (with its surrounding space) or one expression. */
export function isOneBindingOrExpression(replaced: string): boolean {
  if (replaced.trim() === '') return true;
  // The line break keeps a trailing `# comment` from swallowing the closer.
  return parsesAlone(`{${replaced}\n}`, 'AttrSet', 1) || parsesAlone(`(${replaced}\n)`, 'Parens', 0);
}

/** The fix as it may leave the engine, or why it may not. */
export function guardFix(guard: FixGuard, fix: OffsetFix): { fix: OffsetFix } | { dropped: DropReason } {
  for (const e of fix.edits) {
    if (guard.errors.length > 0 && touchesError(guard.errors, e.from, e.to))
      return { dropped: 'syntax-error' };
    if (e.to > e.from && !isOneBindingOrExpression(guard.text.slice(e.from, e.to)))
      return { dropped: 'not-one-binding' };
  }
  // A stable sort keeps the rule's order for edits at one offset (LSP: inserts before a replace).
  const sorted = [...fix.edits].sort((a, b) => a.from - b.from);
  const edits: OffsetEdit[] = [];
  for (const e of sorted) {
    const last = edits[edits.length - 1];
    if (last && e.from < last.to) return { dropped: 'overlap' };
    if (last && e.from === last.to)
      edits[edits.length - 1] = { from: last.from, to: e.to, newText: last.newText + e.newText };
    else edits.push({ ...e });
  }
  if (guard.eol !== '\n') for (const e of edits) e.newText = e.newText.replace(/\r\n|\r|\n/g, guard.eol);
  return { fix: { ...fix, edits } };
}
