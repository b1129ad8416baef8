/**
 * `x86-needs-emulation`: listing both aarch64-linux and x86_64-linux (an Apple-silicon builder that
 * should also build for Intel) needs emulation inside the VM:
 * `nix.linux-builder.config.boot.binfmt.emulatedSystems = [ "x86_64-linux" ]` (docs/dev/domain.md#building-for-another-linux-system).
 */
import { BUILDER_CONFIG_PATH } from '../../schema/index.js';
import { addDefinition } from '../editing.js';
import { darwinModuleOf, definitionsAt, definitionsElsewhere, stringList, type Rule } from '../rule.js';
import { builderMayRun } from '../builderState.js';

const EMULATED = [...BUILDER_CONFIG_PATH, 'boot', 'binfmt', 'emulatedSystems'];

export const x86NeedsEmulationRule: Rule = {
  id: 'x86-needs-emulation',
  check(ctx) {
    if (!builderMayRun(ctx)) return []; // a builder that is off runs no VM (builderState.ts)
    const emulated = [...definitionsAt(ctx, EMULATED), ...definitionsElsewhere(ctx, EMULATED)];
    if (emulated.some((d) => d.value.kind !== 'list' || stringList(d)?.includes('x86_64-linux'))) return [];
    return definitionsAt(ctx, ['nix', 'linux-builder', 'systems'])
      .filter((def) => {
        const systems = stringList(def) ?? [];
        return systems.includes('x86_64-linux') && systems.includes('aarch64-linux');
      })
      .map((def) => {
        const add = emulated.length === 0 ? addDefinition(ctx, def.module.prefix.length ? def.module : darwinModuleOf(ctx, def), EMULATED, '[ "x86_64-linux" ]') : undefined;
        return {
          span: def.nameSpan,
          severity: 'warning' as const,
          message: 'On Apple silicon the builder VM is aarch64-linux: to build x86_64-linux it needs emulation, `nix.linux-builder.config.boot.binfmt.emulatedSystems = [ "x86_64-linux" ];` (a VM rebuild, which needs a working builder first). Without it x86_64-linux builds sent here fail.',
          fixes: add ? [{ title: 'Add boot.binfmt.emulatedSystems = [ "x86_64-linux" ] to the builder VM', isPreferred: true, edits: [add] }] : [],
        };
      });
  },
};
