/**
 * Every rule: the files under rules/all/, each declaring its id, severity, the option paths it reads
 * and its page next to `check`. The list is generated from that folder by scripts/build.mjs
 * (rules/all/index.ts), so adding a rule touches no list here; findings come in the order of the
 * rules' file names. The ids and the locate filter are derived from the declarations.
 */
import { ALL_RULES } from './all/index.js';
import { relevanceOf, type Rule } from './rule.js';

export const RULES: readonly Rule[] = ALL_RULES;

/**
 * The diagnostic codes that are not a rule's: the syntax check's and the one for a file that could
 * not be analysed. Declared like a rule's (id, severity, page, summary) for the same tables.
 */
export const ENGINE_CODES: readonly Pick<Rule, 'id' | 'severity' | 'docs' | 'summary'>[] = [
  {
    id: 'syntax-error',
    severity: 'error',
    docs: 'docs/rules/syntax-error.md',
    summary: 'Nix that does not parse (reported once; the other rules still check the rest)',
  },
  {
    id: 'analysis-failed',
    severity: 'error',
    docs: 'docs/rules/analysis-failed.md',
    summary: 'A file the checker itself could not analyse: said once at its top instead of showing nothing',
  },
];

/** Every diagnostic code: the engine's own, then each rule's. */
export const RULE_IDS: readonly string[] = [...ENGINE_CODES, ...RULES].map((code) => code.id);

/** What locate keeps for the rules: the union of the option paths they declare they read. */
export const ruleRelevance = relevanceOf(RULES.flatMap((rule) => rule.reads));

/**
 * Each rule's `reads` as a test of an option path: a file where no definition passes it holds no
 * place for the rule's findings (`Rule.reads`, `AnalyzeOptions.onlyAnchoredRules`).
 */
export const ruleCoverage: ReadonlyMap<Rule, (path: readonly string[]) => 'all' | 'some' | 'none'> = new Map(
  RULES.map((rule) => [rule, relevanceOf(rule.reads)]),
);
