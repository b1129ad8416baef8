/**
 * `linux-in-extra-platforms`: `nix.settings.extra-platforms` on the Mac lists a Linux system. That
 * setting tells Nix which systems' programs this machine runs itself, and a Mac runs no Linux
 * program, so Nix then builds some Linux derivations on the Mac, where they fail, instead of sending
 * them to the builder (NixOS/nix):
 * - every derivation with `preferLocalBuild = true` (nixpkgs' runCommandLocal, writeText, symlinkJoin,
 *   …): `willBuildLocally` is `preferLocalBuild && canBuildLocally`, and `canBuildLocally` accepts a
 *   system in `extra-platforms` (src/libstore/parsed-derivations.cc; derivation-options.cc in newer
 *   Nix), so the build hook is never asked;
 * - any Linux derivation while the builders are busy or none fits: build-remote declines instead of
 *   postponing when `couldBuildLocally`, which is true for a system in `extra-platforms`
 *   (src/build-remote/build-remote.cc).
 * Inside the builder VM's `config` (a Linux machine with binfmt emulation) the same setting is right,
 * and in a NixOS module it is how binfmt emulation is announced: only the Mac's own setting is judged.
 */
import { nixString, nixStringList } from '../../nix/print.js';
import type { OptionDefinition } from '../../nix/model.js';
import { builderEnableDefinitions } from '../builderState.js';
import { removeDefinition } from '../editing.js';
import {
  boolAt,
  boolElsewhere,
  definitionsAt,
  fitting,
  MESSAGE_LIMIT,
  type OffsetFix,
  type Rule,
  type RuleContext,
} from '../rule.js';

const EXTRA_PLATFORMS = ['nix', 'settings', 'extra-platforms'];
const isLinux = (system: string): boolean => /-linux$/.test(system);

/** The systems a definition lists, when all of them are literals: a list of strings, or one string. */
function literalSystems(def: OptionDefinition): string[] | undefined {
  const v = def.value;
  if (v.kind === 'string') return v.value === null ? undefined : v.value.split(/\s+/).filter((s) => s !== '');
  if (v.kind !== 'list') return undefined;
  const out: string[] = [];
  for (const item of v.items) {
    if (item.kind !== 'string' || item.value === null) return undefined;
    out.push(item.value.trim());
  }
  return out;
}

/** Whether the definition is the Mac's own: a nix-darwin module, not the VM's or a NixOS machine's. */
function onTheMac(ctx: RuleContext, def: OptionDefinition): boolean {
  if (def.module.prefix.length > 0 || def.module.nixos) return false;
  // nix-darwin is known when the module is in a darwinSystem, or the configuration has nix-darwin's
  // builder option (NixOS has no nix.linux-builder): a NixOS file elsewhere is left alone.
  return (
    def.module.system?.builder === 'darwinSystem' ||
    builderEnableDefinitions(ctx).some((d) => d.module.prefix.length === 0 && !d.module.nixos)
  );
}

function removeLinux(ctx: RuleContext, def: OptionDefinition, systems: readonly string[]): OffsetFix {
  const kept = systems.filter((s) => !isLinux(s));
  const edit =
    kept.length === 0
      ? removeDefinition(ctx.text, def)
      : {
          from: def.value.span.from,
          to: def.value.span.to,
          newText: def.value.kind === 'list' ? nixStringList(kept) : nixString(kept.join(' ')),
        };
  return {
    title: kept.length === 0 ? 'Remove extra-platforms' : 'Remove the Linux systems from extra-platforms',
    isPreferred: true,
    edits: [edit],
  };
}

export const linuxInExtraPlatformsRule: Rule = {
  id: 'linux-in-extra-platforms',
  severity: 'warning',
  reads: [
    ['nix', 'settings'],
    ['nix', 'linux-builder', 'enable'],
    ['nix', 'enable'],
  ],
  docs: 'docs/rules/linux-in-extra-platforms.md',
  summary:
    "a Linux system in the Mac's `nix.settings.extra-platforms`: Nix then builds some Linux derivations on the Mac, where they fail (not in the VM's `config`)",
  check(ctx) {
    // With nix.enable = false (Determinate Nix) nix-darwin writes no nix.conf: the setting does nothing.
    if (boolAt(ctx, ['nix', 'enable'], false) ?? boolElsewhere(ctx, ['nix', 'enable'], false)) return [];
    return definitionsAt(ctx, EXTRA_PLATFORMS).flatMap((def) => {
      const systems = literalSystems(def);
      const linux = systems?.filter(isLinux) ?? [];
      if (!systems || linux.length === 0 || !onTheMac(ctx, def)) return [];
      return [
        {
          span: def.nameSpan,
          severity: 'warning' as const,
          message: fitting(
            MESSAGE_LIMIT,
            `extra-platforms lists ${linux.join(', ')}: a Mac cannot run Linux programs, but Nix will build some on it.`,
            'extra-platforms lists Linux systems: a Mac cannot run Linux programs, but Nix will build some on it.',
          ),
          detail:
            'extra-platforms names the systems whose programs this machine runs itself. With a Linux system in it, Nix builds every Linux derivation marked preferLocalBuild (runCommandLocal, writeText, …) on the Mac, and any other when the builders are busy, instead of sending it to the builder; those builds fail. The builder VM runs Linux programs; the Mac needs only its remote builder for them.',
          fixes: [removeLinux(ctx, def, systems)],
        },
      ];
    });
  },
};
