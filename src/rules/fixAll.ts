/**
 * "Fix all": the preferred fixes of a file's findings that are safe together, as one set of edits.
 * The same set serves the language server's `source.fixAll.linuxBuilderDoctor` code action and the
 * CLI's `check --fix`, so both change a file the same way.
 *
 * Safe together means:
 * - only preferred fixes (a finding with several fixes names the one it recommends; the others are
 *   choices the user makes);
 * - no two edits overlap or touch (two inserts at one offset would depend on an order nobody chose);
 * - the file parsed before, and the text with every accepted fix parses (each fix is tried on top of
 *   those already accepted; one that breaks the parse is held back, the others still apply);
 * - a file with syntax errors is left alone: Nix stops at the first one, so fixing around it would
 *   change text whose meaning nobody knows yet.
 * Each fix already passed the engine's per-fix checks (fixGuard.ts) on its way out of the rules.
 */
import type { Finding, Fix, TextEdit } from '../protocol/findings.js';
import { LineIndex } from '../nix/lines.js';
import { parseNix } from '../nix/parse.js';
import type { OffsetEdit } from '../nix/print.js';

export interface AppliedFix {
  finding: Finding;
  fix: Fix;
}

export type HeldReason = 'syntax-error' | 'overlap' | 'does-not-parse';

export interface HeldFix extends AppliedFix {
  reason: HeldReason;
}

export interface FixAllPass {
  /** The text with every applied fix. */
  text: string;
  /** The edits in the original text's coordinates: sorted, none overlapping or touching. */
  edits: TextEdit[];
  applied: AppliedFix[];
  /** Preferred fixes that could not be applied with the others, and why. */
  held: HeldFix[];
}

const parses = (text: string): boolean => parseNix(text).hasErrors !== true;

function applyOffsetEdits(text: string, edits: readonly OffsetEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.from - b.from);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    out += text.slice(at, e.from) + e.newText;
    at = e.to;
  }
  return out + text.slice(at);
}

/** Whether two edits overlap or touch (an insert at either end of another edit counts). */
const meet = (a: OffsetEdit, b: OffsetEdit): boolean => a.from <= b.to && b.from <= a.to;

const sameEdits = (a: readonly OffsetEdit[], b: readonly OffsetEdit[]): boolean =>
  a.length === b.length &&
  a.every((e, i) => e.from === b[i]?.from && e.to === b[i]?.to && e.newText === b[i]?.newText);

/** One pass over `findings` (all of one file, computed for `text`). */
export function fixAllPass(text: string, findings: readonly Finding[]): FixAllPass {
  const candidates = findings.flatMap((finding) => {
    const fix = finding.fixes.find((f) => f.isPreferred);
    return fix ? [{ finding, fix }] : [];
  });
  const none: FixAllPass = { text, edits: [], applied: [], held: [] };
  if (candidates.length === 0) return none;
  if (!parses(text)) return { ...none, held: candidates.map((c) => ({ ...c, reason: 'syntax-error' })) };

  const lines = new LineIndex(text);
  const accepted: OffsetEdit[] = [];
  const acceptedSets: OffsetEdit[][] = [];
  const applied: AppliedFix[] = [];
  const held: HeldFix[] = [];
  for (const candidate of candidates) {
    const edits = candidate.fix.edits
      .map((e) => ({
        from: lines.offsetAt(e.range.start),
        to: lines.offsetAt(e.range.end),
        newText: e.newText,
      }))
      .sort((a, b) => a.from - b.from);
    // Two findings offering the very same change (one mistake seen by two rules): it is applied once.
    if (acceptedSets.some((set) => sameEdits(set, edits))) {
      applied.push(candidate);
      continue;
    }
    const selfMeets = edits.some((e, i) => edits.slice(0, i).some((earlier) => meet(earlier, e)));
    if (selfMeets || edits.some((e) => accepted.some((a) => meet(a, e)))) {
      held.push({ ...candidate, reason: 'overlap' });
      continue;
    }
    if (!parses(applyOffsetEdits(text, [...accepted, ...edits]))) {
      held.push({ ...candidate, reason: 'does-not-parse' });
      continue;
    }
    accepted.push(...edits);
    acceptedSets.push(edits);
    applied.push(candidate);
  }
  accepted.sort((a, b) => a.from - b.from);
  return {
    text: applyOffsetEdits(text, accepted),
    edits: accepted.map((e) => ({
      range: { start: lines.positionAt(e.from), end: lines.positionAt(e.to) },
      newText: e.newText,
    })),
    applied,
    held,
  };
}

/** How many passes `fixAll` makes at most: a fix may reveal another finding with a fix of its own. */
export const MAX_FIX_PASSES = 5;

export interface FixAllResult {
  text: string;
  /** What each pass applied (a pass's findings were computed on the previous pass's text). */
  applied: AppliedFix[];
  /** What the last pass could not apply. */
  held: HeldFix[];
  passes: number;
  /** The first pass on its own (its edits are in the original text's coordinates). */
  firstPass: FixAllPass;
}

/**
 * Passes until nothing more applies (at most MAX_FIX_PASSES), re-analysing the text after each, so
 * that a second run finds nothing left to do. `analyze` returns the findings of a text of this file.
 */
export function fixAll(
  text: string,
  findings: readonly Finding[],
  analyze: (text: string) => readonly Finding[],
): FixAllResult {
  let current = text;
  let currentFindings = findings;
  const applied: AppliedFix[] = [];
  let held: HeldFix[] = [];
  let passes = 0;
  let firstPass: FixAllPass | undefined;
  while (passes < MAX_FIX_PASSES) {
    const pass = fixAllPass(current, currentFindings);
    firstPass ??= pass;
    passes++;
    held = pass.held;
    if (pass.applied.length === 0 || pass.text === current) break;
    applied.push(...pass.applied);
    current = pass.text;
    currentFindings = analyze(current);
  }
  return { text: current, applied, held, passes, firstPass: firstPass ?? fixAllPass(text, []) };
}

/**
 * One edit turning `before` into `after`: the span between their common prefix and suffix (what a
 * client needs when several passes' edits no longer share coordinates).
 */
export function singleEdit(before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (
    end < max - start &&
    before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)
  )
    end++;
  // Never split a surrogate pair or a CRLF (positions in the middle of either mean nothing to an editor).
  const splits = (s: string, i: number): boolean => {
    const c = s.charCodeAt(i);
    return (c >= 0xdc00 && c <= 0xdfff) || (c === 10 && s.charCodeAt(i - 1) === 13);
  };
  while (start > 0 && (splits(before, start) || splits(after, start))) start--;
  while (end > 0 && (splits(before, before.length - end) || splits(after, after.length - end))) end--;
  const lines = new LineIndex(before);
  return {
    range: { start: lines.positionAt(start), end: lines.positionAt(before.length - end) },
    newText: after.slice(start, after.length - end),
  };
}
