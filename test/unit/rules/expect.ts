import assert from 'node:assert/strict';
import type { Finding } from '../../../src/protocol/findings.js';
import { applyFix, findings, fixParseError } from '../../util/nixCheck.js';

/** A list of at least N items, typed so: the first N need no index guard. */
export type AtLeast<N extends number, T, Acc extends T[] = []> = Acc['length'] extends N
  ? [...Acc, ...T[]]
  : AtLeast<N, T, [...Acc, T]>;

/** Asserts exactly the findings of `code` on these 1-based lines, and returns them (one per line). */
export function expectFindings<const L extends readonly number[]>(
  text: string,
  code: string,
  lines: L,
): { -readonly [K in keyof L]: Finding } {
  const all = findings(text);
  const hits = all.filter((f) => f.code === code);
  assert.deepEqual(
    hits.map((f) => f.range.start.line + 1),
    lines,
    `findings of ${code}: ${JSON.stringify(
      all.map((f) => [f.code, f.range.start.line + 1, f.message]),
      null,
      1,
    )}`,
  );
  // The assertion above proved one finding per line.
  return hits as { -readonly [K in keyof L]: Finding };
}

export function expectNone(text: string, code: string): void {
  expectFindings(text, code, []);
}

/**
 * Every fix of every `code` finding: the result parses (with the real Nix parser where installed), has one finding of
 * `code` fewer, and brings no new error or warning of another rule. Returns the fixed texts.
 */
export function expectFixesWork<const N extends number = 1>(
  text: string,
  code: string,
  minimumFixes: N = 1 as N,
): AtLeast<N, string> {
  const before = findings(text);
  const targets = before.filter((f) => f.code === code);
  const fixes = targets.flatMap((f) => f.fixes);
  assert.ok(
    fixes.length >= minimumFixes,
    `expected at least ${minimumFixes} fix(es) for ${code}, got ${fixes.length}`,
  );
  const serious = (list: Finding[]) =>
    list
      .filter((f) => f.code !== code && (f.severity === 'error' || f.severity === 'warning'))
      .map((f) => f.code)
      .sort();
  // The first assertion proved at least `minimumFixes` of them.
  return fixes.map((fix) => {
    const fixed = applyFix(text, fix);
    const parseError = fixParseError(fixed);
    assert.equal(
      parseError,
      null,
      `fix "${fix.title}" gives Nix that does not parse:\n${fixed}\n${parseError}`,
    );
    const after = findings(fixed);
    assert.equal(
      after.filter((f) => f.code === code).length,
      targets.length - 1,
      `fix "${fix.title}" did not clear its finding:\n${fixed}`,
    );
    const newSerious = serious(after).filter((c) => !serious(before).includes(c));
    assert.deepEqual(newSerious, [], `fix "${fix.title}" introduced ${newSerious.join(', ')}:\n${fixed}`);
    return fixed;
  }) as AtLeast<N, string>;
}
