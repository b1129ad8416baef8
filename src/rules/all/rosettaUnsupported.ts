/**
 * `rosetta-unsupported`: `virtualisation.rosetta.enable` inside the builder's `config` does not work
 * with nix-darwin's QEMU builder (no Rosetta share in qemu-vm; docs/dev/domain.md#building-for-another-linux-system,
 * INFERRED). `pkgs.darwin.linux-builder-vz` (Virtualization.framework) is the builder with Rosetta. Emulating
 * x86_64-linux with binfmt does.
 */
import { BUILDER_CONFIG_PATH } from '../../schema/index.js';
import { addDefinitionAfter, moveDefinition, removalChain, removeDefinition } from '../editing.js';
import { darwinModuleOf, definedAnywhere, definitionsAt, type OffsetFix, type Rule } from '../rule.js';
import { builderMayRun } from '../builderState.js';
import { builderVmSystem } from '../vmSystem.js';

const ROSETTA = [...BUILDER_CONFIG_PATH, 'virtualisation', 'rosetta', 'enable'];
const EMULATED = [...BUILDER_CONFIG_PATH, 'boot', 'binfmt', 'emulatedSystems'];

export const rosettaUnsupportedRule: Rule = {
  id: 'rosetta-unsupported',
  severity: 'warning',
  reads: [
    ['nix', 'linux-builder'],
    ['nixpkgs', 'hostPlatform'],
  ],
  docs: 'docs/rules/rosetta-unsupported.md',
  summary:
    '`virtualisation.rosetta.enable` in a QEMU builder VM (the default or `linux-builder-x86_64`; not `linux-builder-vz`)',
  check(ctx) {
    if (!builderMayRun(ctx)) return []; // a builder that is off runs no VM (builderState.ts)
    // linux-builder-vz runs on Virtualization.framework, which has Rosetta; a package we cannot read may too.
    const vm = builderVmSystem(ctx);
    if (vm.kind !== 'qemu') return [];
    // On an x86_64 VM there is nothing to emulate x86_64 for: the fix only removes the line.
    const x86Vm = vm.native === 'x86_64-linux';
    return definitionsAt(ctx, ROSETTA)
      .filter((def) => def.value.kind === 'bool' && def.value.value)
      .map((def) => {
        const remove = removeDefinition(ctx.text, def);
        const hasEmulation = x86Vm || definedAnywhere(ctx, EMULATED);
        const title = 'Emulate x86_64-linux with binfmt instead of Rosetta';
        let fixes: OffsetFix[];
        const chain = removalChain(ctx.text, def);
        if (hasEmulation) {
          fixes = [{ title: 'Remove virtualisation.rosetta.enable', isPreferred: true, edits: [remove] }];
        } else if (
          addDefinitionAfter(
            chain,
            ctx,
            def.module.prefix.length ? def.module : darwinModuleOf(ctx, def),
            EMULATED,
            '[ "x86_64-linux" ]',
          )
        ) {
          fixes = [{ title, isPreferred: true, edits: chain.edits }];
        } else {
          // No set to add it to: rewrite the binding in place.
          const moved = moveDefinition(ctx, def, EMULATED, '[ "x86_64-linux" ]');
          fixes = moved
            ? [{ title, isPreferred: true, edits: moved.edits }]
            : [{ title: 'Remove virtualisation.rosetta.enable', isPreferred: true, edits: [remove] }];
        }
        return {
          span: def.nameSpan,
          severity: 'warning' as const,
          message: x86Vm
            ? 'Rosetta does not work in a QEMU builder VM, and this x86_64-linux VM needs no x86_64 emulation.'
            : 'Rosetta does not work in the QEMU builder VM (no Rosetta share): emulate x86_64-linux with binfmt instead.',
          detail:
            "virtualisation.rosetta.enable needs the Rosetta share of Apple's Virtualization framework; nix-darwin's default builder is a QEMU VM, which has none. pkgs.darwin.linux-builder-vz is the builder with Rosetta; with the QEMU VM, x86_64-linux is emulated with boot.binfmt.emulatedSystems (slower).",
          fixes,
        };
      });
  },
};
