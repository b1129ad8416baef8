/**
 * The host port the configuration gives the builder VM's sshd, for fixes that must point at it.
 * nix-darwin's builder: `nix.linux-builder.config.virtualisation.darwin-builder.hostPort` (31022 by
 * default, nixpkgs nixos/modules/profiles/nix-builder-vm.nix). A VM of the user's own (the nixpkgs
 * manual's darwin-builder pattern, a `nixosSystem` with that profile): its top-level
 * `virtualisation.darwin-builder.hostPort`, often 22.
 */
import type { OptionDefinition } from '../nix/model.js';
import { BUILDER_VM_PATH } from '../schema/index.js';
import { DEFAULT_HOST_PORT } from '../schema/nixDarwin.js';
import { builderState } from './builderState.js';
import { definitionsAt, definitionsElsewhere, type RuleContext } from './rule.js';

export interface VmPort {
  port: number;
  /** Whose VM: nix-darwin's builder (`nix.linux-builder`), one of the user's own, or not known. */
  vm: 'linux-builder' | 'own' | 'unknown';
  /** The definition that sets the port, when one does. */
  def?: OptionDefinition;
}

const literalPort = (defs: OptionDefinition[]): OptionDefinition | undefined =>
  defs.find((d) => d.value.kind === 'int' && !d.conditional) ?? defs.find((d) => d.value.kind === 'int');

const anywhere = (ctx: RuleContext, path: readonly string[]) => [
  ...definitionsAt(ctx, path),
  ...definitionsElsewhere(ctx, path),
];

export function builderVmPort(ctx: RuleContext): VmPort {
  const portOf = (def: OptionDefinition | undefined) =>
    def?.value.kind === 'int' ? def.value.value : DEFAULT_HOST_PORT;
  if (builderState(ctx) === 'on') {
    const def = literalPort(anywhere(ctx, [...BUILDER_VM_PATH, 'hostPort']));
    return def
      ? { port: portOf(def), vm: 'linux-builder', def }
      : { port: DEFAULT_HOST_PORT, vm: 'linux-builder' };
  }
  const own = literalPort(anywhere(ctx, ['virtualisation', 'darwin-builder', 'hostPort']));
  if (own) return { port: portOf(own), vm: 'own', def: own };
  return { port: DEFAULT_HOST_PORT, vm: 'unknown' };
}
