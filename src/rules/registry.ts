/**
 * Every rule, in the order their findings are listed; one file each under rules/all/, declaring its
 * id, severity, the option paths it reads and its page. The ids and the locate filter are derived
 * from these declarations.
 */
import { configNeedsBootstrapRule } from './all/configNeedsBootstrap.js';
import { distributedBuildsOffRule } from './all/distributedBuildsOff.js';
import { hostPortMismatchRule } from './all/hostPortMismatch.js';
import { localhostNoPortRule } from './all/localhostNoPort.js';
import { localhostSkipsSshRule } from './all/localhostSkipsSsh.js';
import { publicHostKeyFormatRule } from './all/publicHostKeyFormat.js';
import { removedOptionRule } from './all/removedOption.js';
import { requiresNixEnableRule } from './all/requiresNixEnable.js';
import { rosettaUnsupportedRule } from './all/rosettaUnsupported.js';
import { sshConfigDisabledRule } from './all/sshConfigDisabled.js';
import { sshKeyStorePathRule } from './all/sshKeyStorePath.js';
import { sshOptionsRule } from './all/sshOptions.js';
import { typeMismatchRule } from './all/typeMismatch.js';
import { unknownOptionRule } from './all/unknownOption.js';
import { x86NeedsEmulationRule } from './all/x86NeedsEmulation.js';
import { buildMachinesIgnoredRule } from './all/buildMachinesIgnored.js';
import { diskSizeNotAppliedRule } from './all/diskSizeNotApplied.js';
import { hostNameHasSchemeRule } from './all/hostNameHasScheme.js';
import { invalidSystemRule } from './all/invalidSystem.js';
import { sshConfigNotForcedRule } from './all/sshConfigNotForced.js';
import { vmOptionConflictRule } from './all/vmOptionConflict.js';
import { relevanceOf, type Rule } from './rule.js';

export const RULES: readonly Rule[] = [
  unknownOptionRule,
  sshOptionsRule,
  removedOptionRule,
  typeMismatchRule,
  requiresNixEnableRule,
  distributedBuildsOffRule,
  sshConfigDisabledRule,
  hostPortMismatchRule,
  x86NeedsEmulationRule,
  rosettaUnsupportedRule,
  sshKeyStorePathRule,
  publicHostKeyFormatRule,
  localhostNoPortRule,
  localhostSkipsSshRule,
  configNeedsBootstrapRule,
  hostNameHasSchemeRule,
  buildMachinesIgnoredRule,
  invalidSystemRule,
  vmOptionConflictRule,
  diskSizeNotAppliedRule,
  sshConfigNotForcedRule,
];

/** Every diagnostic code: the syntax check's, the one for a file that could not be analysed, then each rule's. */
export const RULE_IDS: readonly string[] = [
  'syntax-error',
  'analysis-failed',
  ...RULES.map((rule) => rule.id),
];

/** What locate keeps for the rules: the union of the option paths they declare they read. */
export const ruleRelevance = relevanceOf(RULES.flatMap((rule) => rule.reads));
