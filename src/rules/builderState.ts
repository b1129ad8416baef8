/**
 * Whether nix-darwin's builder (`nix.linux-builder.enable`) is on in the configuration, as far as
 * its literal definitions tell: the rules about the running builder judge nothing for a builder that
 * is off (nix-darwin then evaluates neither its VM `config` nor its generated entry:
 * modules/nix/linux-builder.nix wraps all of it in `mkIf cfg.enable`).
 */
import type { OptionDefinition, Priority } from '../nix/model.js';
import { definitionsAt, definitionsElsewhere, type RuleContext } from './rule.js';

export const BUILDER_ENABLE = ['nix', 'linux-builder', 'enable'] as const;

/** `on`: some definition that can win is `true`; `off`: every definition that can win is `false`;
 *  `unknown`: not defined in the files we see, or by an expression we cannot read. */
export type BuilderState = 'on' | 'off' | 'unknown';

/** The module system's numeric priorities (lib/modules.nix): lower wins. `mkOverride n` is not read. */
const RANK: Record<Priority, number> = {
  mkForce: 50,
  normal: 100,
  mkOverride: 100,
  mkDefault: 1000,
  mkOptionDefault: 1500,
};

/** The definitions of `nix.linux-builder.enable` in this file and the other files of the configuration. */
export function builderEnableDefinitions(ctx: RuleContext): OptionDefinition[] {
  return [...definitionsAt(ctx, BUILDER_ENABLE), ...definitionsElsewhere(ctx, BUILDER_ENABLE)];
}

export function builderState(ctx: RuleContext): BuilderState {
  const defs = builderEnableDefinitions(ctx);
  if (defs.length === 0) return 'unknown';
  // Only the definitions of the best priority count (a `mkForce false` beats a plain `true`); a
  // conditional one (`mkIf`) may not apply, so it decides only when it says `true` (then the builder
  // may be on, and is judged).
  const best = defs.reduce((low, d) => Math.min(low, RANK[d.priority]), Number.POSITIVE_INFINITY);
  const winning = defs.filter((d) => RANK[d.priority] === best);
  if (winning.some((d) => d.value.kind === 'bool' && d.value.value)) return 'on';
  if (winning.some((d) => d.value.kind !== 'bool')) return 'unknown';
  if (winning.some((d) => !d.conditional)) {
    // A conditional `true` of a lower priority cannot win over an unconditional `false`.
    return 'off';
  }
  // Only conditional `false`s at the best priority: a lower-priority `true` may apply when they do not.
  return defs.some((d) => d.value.kind === 'bool' && d.value.value) ? 'on' : 'unknown';
}

/** The builder rules skip a configuration whose builder is off. */
export const builderMayRun = (ctx: RuleContext): boolean => builderState(ctx) !== 'off';
