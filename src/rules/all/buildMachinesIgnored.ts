/**
 * `build-machines-ignored`: `nix.buildMachines` declared while `nix.distributedBuilds` is never
 * enabled. nix-darwin then writes `builders =` (empty) into nix.conf, so Nix ignores the machines
 * file, and warns "nix.distributedBuilds is not enabled, build machines won't be configured."
 * (modules/nix/default.nix). nix-darwin's own builder sets `nix.distributedBuilds = true`
 * (modules/nix/linux-builder.nix), a hand-written list does not
 * (docs/dev/domain.md#the-machines-file-and-buildmachines).
 */
import { builderEnableDefinitions, builderState } from '../builderState.js';
import { addDefinition } from '../editing.js';
import { buildMachinesDeclared } from '../machineEntries.js';
import type { ModuleInfo } from '../../nix/model.js';
import { darwinModuleOf, definitionsAt, definitionsElsewhere, type Rule, type RuleContext } from '../rule.js';

const DISTRIBUTED = ['nix', 'distributedBuilds'];

/**
 * Whether the configuration's host is among the files we see (a `darwinSystem { modules = [ … ]; }`
 * here or in another file of the configuration): a module file alone is often a fragment imported by
 * a host that enables distributed builds in a module we do not see.
 */
function hostVisible(ctx: RuleContext): boolean {
  const isHost = (m: ModuleInfo) => m.kind === 'flake-module' && !m.nixos;
  if (ctx.located.modules.some(isHost)) return true;
  return ['enable', 'buildMachines', 'linux-builder'].some((name) =>
    definitionsElsewhere(ctx, ['nix', name]).some((d) => isHost(d.module)),
  );
}

export const buildMachinesIgnoredRule: Rule = {
  id: 'build-machines-ignored',
  severity: 'warning',
  reads: [['nix']],
  docs: 'docs/rules/build-machines-ignored.md',
  summary:
    "`nix.buildMachines` while `nix.distributedBuilds` is never enabled (only nix-darwin's builder enables it)",
  check(ctx) {
    // Any definition of distributedBuilds (true, false, or an expression) decides it elsewhere:
    // `false` is distributed-builds-off's finding.
    if (definitionsAt(ctx, DISTRIBUTED).length > 0 || definitionsElsewhere(ctx, DISTRIBUTED).length > 0)
      return [];
    // nix-darwin's builder enables it; an enable we cannot read may too.
    if (builderEnableDefinitions(ctx).length > 0 && builderState(ctx) !== 'off') return [];
    // With nix.enable = false nix-darwin writes no nix.conf at all (modules/nix/default.nix): another story.
    if (
      [...definitionsAt(ctx, ['nix', 'enable']), ...definitionsElsewhere(ctx, ['nix', 'enable'])].some(
        (d) => d.value.kind === 'bool' && !d.value.value,
      )
    )
      return [];
    if (!buildMachinesDeclared(ctx)) return [];
    // A conditional list (`mkIf cfg.enable …`, often the builder's own flag) may come with the
    // builder that enables distributed builds.
    const here = definitionsAt(ctx, ['nix', 'buildMachines']).find(
      (d) => !d.module.nixos && !d.conditional && !(d.value.kind === 'list' && d.value.items.length === 0),
    );
    if (!here || !hostVisible(ctx)) return [];
    const module = darwinModuleOf(ctx, here);
    const add = addDefinition(ctx, module, DISTRIBUTED, 'true');
    return [
      {
        span: here.nameSpan,
        severity: 'warning',
        message:
          'nix.buildMachines is ignored: nix.distributedBuilds is never enabled, so nix-darwin writes an empty builders setting.',
        detail:
          'nix-darwin writes "builders =" (empty) into nix.conf unless nix.distributedBuilds is true, and warns "nix.distributedBuilds is not enabled, build machines won\'t be configured." nix.linux-builder sets it itself; a hand-written list does not.',
        fixes: add ? [{ title: 'Add nix.distributedBuilds = true', isPreferred: true, edits: [add] }] : [],
      },
    ];
  },
};
