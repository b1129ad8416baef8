/**
 * `distributed-builds-off`: `nix.distributedBuilds = false` makes nix-darwin write `builders =`
 * (empty), so /etc/nix/machines and with it the Linux builder are ignored (DOMAIN.md §5). The builder
 * module sets it to true itself, so a plain `false` also conflicts with it.
 */
import { removeBinding } from '../../nix/print.js';
import { boolAt, definitionsAt, type Rule } from '../rule.js';

export const distributedBuildsOffRule: Rule = {
  id: 'distributed-builds-off',
  check(ctx) {
    const off = boolAt(ctx, ['nix', 'distributedBuilds'], false);
    if (!off) return [];
    const builder = boolAt(ctx, ['nix', 'linux-builder', 'enable'], true);
    const machines = definitionsAt(ctx, ['nix', 'buildMachines']).length > 0;
    if (!builder && !machines) return [];
    const why = builder
      ? 'nix.linux-builder.enable sets nix.distributedBuilds = true itself, so this definition conflicts with it (or, with mkForce, wins and turns the builder off): nix-darwin then writes `builders =` and Nix never uses the builder.'
      : 'nix-darwin then writes `builders =` (empty), so the machines file with your nix.buildMachines entries is ignored.';
    return [{
      span: off.nameSpan,
      severity: 'warning',
      message: `Distributed builds are switched off. ${why}`,
      fixes: [{ title: 'Remove nix.distributedBuilds = false', isPreferred: true, edits: [removeBinding(ctx.text, off.bindingSpan)] }],
    }];
  },
};
