/**
 * `x86-needs-emulation`: the builder VM builds its own Linux system; another one listed in
 * `nix.linux-builder.systems` needs emulation inside the VM:
 * `nix.linux-builder.config.boot.binfmt.emulatedSystems` (docs/dev/domain.md#building-for-another-linux-system,
 * docs/dev/domain.md#failures-users-report). Which system is native
 * depends on the package (vmSystem.ts): the default QEMU VM is aarch64-linux on Apple silicon and
 * x86_64-linux on an Intel Mac (there it is aarch64-linux that needs emulation), linux-builder-x86_64
 * is x86_64-linux, and linux-builder-vz runs x86_64-linux through Rosetta (no QEMU emulation wanted).
 */
import type { OptionDefinition } from '../../nix/model.js';
import { BUILDER_CONFIG_PATH } from '../../schema/index.js';
import { builderMayRun } from '../builderState.js';
import { addDefinition } from '../editing.js';
import {
  darwinModuleOf,
  definitionsAt,
  definitionsElsewhere,
  stringList,
  type Rule,
  type RuleContext,
  type RuleFinding,
} from '../rule.js';
import { builderVmSystem } from '../vmSystem.js';

const EMULATED = [...BUILDER_CONFIG_PATH, 'boot', 'binfmt', 'emulatedSystems'];
const LINUX = ['aarch64-linux', 'x86_64-linux'] as const;

/** Why, and the ways out for the system that is missing (the other packages only help for x86_64-linux). */
const detail = (missing: string): string =>
  `nix.linux-builder.systems only says which builds Nix sends to the VM. The VM runs its own Linux system natively; ${missing} needs boot.binfmt.emulatedSystems in the VM config (QEMU user emulation, slow) and a VM rebuild.${missing === 'x86_64-linux' ? ' On Apple silicon, package = pkgs.darwin.linux-builder-x86_64 (an x86_64-linux VM) or pkgs.darwin.linux-builder-vz (Rosetta) are the alternatives.' : ''}`;

function finding(
  ctx: RuleContext,
  def: OptionDefinition,
  missing: string,
  message: string,
  title: string,
  emulatedDefined: boolean,
): RuleFinding {
  const module = def.module.prefix.length ? def.module : darwinModuleOf(ctx, def);
  const add = emulatedDefined ? undefined : addDefinition(ctx, module, EMULATED, `[ "${missing}" ]`);
  return {
    span: def.nameSpan,
    severity: 'warning',
    message,
    detail: detail(missing),
    fixes: add ? [{ title, isPreferred: true, edits: [add] }] : [],
  };
}

export const x86NeedsEmulationRule: Rule = {
  id: 'x86-needs-emulation',
  severity: 'warning',
  reads: [
    ['nix', 'linux-builder'],
    ['nixpkgs', 'hostPlatform'],
  ],
  docs: 'docs/rules/x86-needs-emulation.md',
  summary:
    'a Linux system in `nix.linux-builder.systems` that the VM does not run natively (x86_64-linux on Apple silicon; aarch64-linux on an Intel Mac or with `linux-builder-x86_64`), without `boot.binfmt.emulatedSystems` in the VM; not with `linux-builder-vz`',
  check(ctx) {
    if (!builderMayRun(ctx)) return []; // a builder that is off runs no VM (builderState.ts)
    const vm = builderVmSystem(ctx);
    if (vm.kind === 'vz' || vm.kind === 'unknown') return []; // Rosetta, or a VM we cannot read
    const emulatedDefs = [...definitionsAt(ctx, EMULATED), ...definitionsElsewhere(ctx, EMULATED)];
    // An emulatedSystems we cannot read is trusted.
    if (emulatedDefs.some((d) => stringList(d) === undefined)) return [];
    const emulated = new Set(emulatedDefs.flatMap((d) => stringList(d) ?? []));
    const findings: RuleFinding[] = [];
    for (const def of definitionsAt(ctx, ['nix', 'linux-builder', 'systems'])) {
      const systems = stringList(def) ?? [];
      if (vm.native) {
        const missing = LINUX.find((s) => s !== vm.native && systems.includes(s) && !emulated.has(s));
        if (!missing) continue;
        findings.push(
          finding(
            ctx,
            def,
            missing,
            `${missing} builds fail: the builder VM is ${vm.native}${vm.because ? ` ${vm.because}` : ''} and does not emulate ${missing}.`,
            `Emulate ${missing} in the builder VM (boot.binfmt.emulatedSystems)`,
            emulatedDefs.length > 0,
          ),
        );
      } else if (
        systems.includes('aarch64-linux') &&
        systems.includes('x86_64-linux') &&
        !emulated.has('x86_64-linux') &&
        !emulated.has('aarch64-linux')
      ) {
        // The Mac's architecture is not in the configuration: say what each case needs.
        findings.push(
          finding(
            ctx,
            def,
            'x86_64-linux',
            'These need emulation in the VM, which builds only its own system (aarch64-linux on Apple silicon).',
            'Emulate x86_64-linux in the builder VM (right on Apple silicon)',
            emulatedDefs.length > 0,
          ),
        );
      }
    }
    return findings;
  },
};
