/**
 * The analysis engine's entry point: parse (incrementally when given the previous parse),
 * locate option definitions, run every rule, return plain Findings.
 */
import type { Finding } from '../protocol/findings.js';
import { parseNix, type ParsedNix, type TextChange } from '../nix/parse.js';

export interface AnalyzeOptions {
  /** Rule ids the user switched off (setting `linuxBuilderDoctor.rules.disabled`). */
  disabledRules?: readonly string[];
}

export interface Analysis {
  findings: Finding[];
  /** Keep it and pass it back with the next edit's changes for an incremental re-parse. */
  parsed: ParsedNix;
}

export function analyzeNix(
  text: string,
  options: AnalyzeOptions = {},
  previous?: { parsed: ParsedNix; changes: readonly TextChange[] },
): Analysis {
  const parsed = parseNix(text, previous);
  void options;
  // Rules are wired in by the rules work (issue 2); until then only the parse runs.
  return { findings: [], parsed };
}
