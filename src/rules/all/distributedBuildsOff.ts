/**
 * `distributed-builds-off`: `nix.distributedBuilds = false` makes nix-darwin write `builders =`
 * (empty), so /etc/nix/machines and with it the Linux builder are ignored (docs/dev/domain.md#the-machines-file-and-buildmachines). The builder
 * module sets it to true itself, so a plain `false` also conflicts with it.
 */
import { buildMachinesDeclared } from '../machineEntries.js';
import { boolAt, boolElsewhere, type Rule } from '../rule.js';
import { removeDefinition } from '../editing.js';

export const distributedBuildsOffRule: Rule = {
  id: 'distributed-builds-off',
  severity: 'warning',
  reads: [['nix']],
  docs: 'docs/rules/distributed-builds-off.md',
  summary:
    "`nix.distributedBuilds = false`: nix-darwin writes an empty `builders` setting, so the machines file and nix-darwin's builder are ignored",
  check(ctx) {
    const off = boolAt(ctx, ['nix', 'distributedBuilds'], false);
    if (!off) return [];
    // Builders are often declared in another module of the same configuration, so the finding
    // stands even when this file declares none; the message says which case it is.
    const builder =
      boolAt(ctx, ['nix', 'linux-builder', 'enable'], true) ??
      boolElsewhere(ctx, ['nix', 'linux-builder', 'enable'], true);
    // `lib.mkForce [ ]` declares no builder (it removes them).
    const machines = buildMachinesDeclared(ctx);
    const why = builder
      ? 'nix.linux-builder.enable sets nix.distributedBuilds = true itself, so this definition conflicts with it (or, with mkForce, wins and turns the builder off): nix-darwin then writes "builders =" (empty) and Nix never uses the builder.'
      : machines
        ? 'nix-darwin then writes "builders =" (empty), so the machines file with your nix.buildMachines entries is ignored.'
        : 'nix-darwin then writes "builders =" (empty): if this configuration enables nix.linux-builder or declares nix.buildMachines in any module, Nix ignores them all.';
    return [
      {
        span: off.nameSpan,
        severity: 'warning',
        message: builder
          ? 'nix.distributedBuilds = false conflicts with nix.linux-builder, which needs it on to be used.'
          : 'Distributed builds are off: nix-darwin writes an empty builders setting, so no remote builder is used.',
        detail: why,
        fixes: [
          {
            title: 'Remove nix.distributedBuilds = false',
            isPreferred: true,
            edits: [removeDefinition(ctx.text, off)],
          },
        ],
      },
    ];
  },
};
