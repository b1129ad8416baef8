/**
 * `rosetta-unsupported`: `virtualisation.rosetta.enable` inside the builder's `config` does not work
 * with nix-darwin's QEMU builder (no Rosetta share in qemu-vm; docs/dev/domain.md#building-for-another-linux-system, INFERRED). Emulating
 * x86_64-linux with binfmt does.
 */
import { removeBinding } from '../../nix/print.js';
import { BUILDER_CONFIG_PATH } from '../../schema/index.js';
import { addDefinition, moveDefinition } from '../editing.js';
import { darwinModuleOf, definedAnywhere, definitionsAt, type OffsetFix, type Rule } from '../rule.js';
import { builderMayRun } from '../builderState.js';

const ROSETTA = [...BUILDER_CONFIG_PATH, 'virtualisation', 'rosetta', 'enable'];
const EMULATED = [...BUILDER_CONFIG_PATH, 'boot', 'binfmt', 'emulatedSystems'];

export const rosettaUnsupportedRule: Rule = {
  id: 'rosetta-unsupported',
  check(ctx) {
    if (!builderMayRun(ctx)) return []; // a builder that is off runs no VM (builderState.ts)
    return definitionsAt(ctx, ROSETTA)
      .filter((def) => def.value.kind === 'bool' && def.value.value)
      .map((def) => {
        const remove = removeBinding(ctx.text, def.bindingSpan);
        const hasEmulation = definedAnywhere(ctx, EMULATED);
        const add = hasEmulation ? undefined : addDefinition(ctx, def.module.prefix.length ? def.module : darwinModuleOf(ctx, def), EMULATED, '[ "x86_64-linux" ]');
        const title = 'Use binfmt emulation instead: boot.binfmt.emulatedSystems = [ "x86_64-linux" ]';
        let fixes: OffsetFix[];
        if (hasEmulation) {
          fixes = [{ title: 'Remove virtualisation.rosetta.enable', isPreferred: true, edits: [remove] }];
        } else if (add && !(add.from >= remove.from && add.from <= remove.to)) {
          fixes = [{ title, isPreferred: true, edits: [remove, add] }];
        } else {
          // The new line would go exactly where the removed one ends: rewrite the binding in place.
          const moved = moveDefinition(ctx, def, EMULATED, '[ "x86_64-linux" ]');
          fixes = moved ? [{ title, isPreferred: true, edits: moved.edits }]
            : [{ title: 'Remove virtualisation.rosetta.enable', isPreferred: true, edits: [remove] }];
        }
        return {
          span: def.nameSpan,
          severity: 'warning' as const,
          message: 'Rosetta does not work in nix-darwin\'s linux-builder: it is a QEMU VM and has no Rosetta share. To build x86_64-linux on Apple silicon use `boot.binfmt.emulatedSystems = [ "x86_64-linux" ]` in the builder\'s config (and add "x86_64-linux" to nix.linux-builder.systems).',
          fixes,
        };
      });
  },
};
