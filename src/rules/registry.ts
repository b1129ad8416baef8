/**
 * Every rule: the files under rules/all/, each declaring its id, severity, the option paths it reads
 * and its page next to `check`. The list is generated from that folder by scripts/build.mjs
 * (rules/all/index.ts), so adding a rule touches no list here; findings come in the order of the
 * rules' file names. The ids and the locate filter are derived from the declarations.
 */
import { ALL_RULES } from './all/index.js';
import { relevanceOf, type Rule } from './rule.js';

export const RULES: readonly Rule[] = ALL_RULES;

/** Every diagnostic code: the syntax check's, the one for a file that could not be analysed, then each rule's. */
export const RULE_IDS: readonly string[] = [
  'syntax-error',
  'analysis-failed',
  ...RULES.map((rule) => rule.id),
];

/** What locate keeps for the rules: the union of the option paths they declare they read. */
export const ruleRelevance = relevanceOf(RULES.flatMap((rule) => rule.reads));
