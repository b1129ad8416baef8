/**
 * `ssh-config-not-forced`: `environment.etc."ssh/ssh_config.d/100-linux-builder.conf".text` is of
 * type `types.lines`, so a plain definition is concatenated with the Host block nix-darwin's builder
 * writes (modules/nix/linux-builder.nix), and for each parameter ssh keeps the first value it reads
 * (docs/dev/domain.md#how-nix-connects-to-a-remote-builder): whichever block comes first wins.
 * A `mkDefault` one loses to nix-darwin's entirely. `lib.mkForce` makes it the file's only text.
 */
import { libInScope } from '../../nix/print.js';
import { charAt } from '../../nix/sourceText.js';
import { builderEnableDefinitions, builderState } from '../builderState.js';
import { SSH_CONFIG_FILE_OPTION } from '../sshHostBlock.js';
import { darwinModuleOf, definitionsAt, type Rule, type RuleFinding } from '../rule.js';

export const sshConfigNotForcedRule: Rule = {
  id: 'ssh-config-not-forced',
  severity: 'warning',
  reads: [
    ['nix', 'linux-builder'],
    // Only the builder's ssh_config file: not every other /etc file a configuration writes.
    SSH_CONFIG_FILE_OPTION,
  ],
  docs: 'docs/rules/ssh-config-not-forced.md',
  summary: "the builder's `ssh_config.d` text without `lib.mkForce`: joined with nix-darwin's own Host block",
  check(ctx) {
    // Without nix-darwin's builder there is no block of its own to merge with.
    if (builderEnableDefinitions(ctx).length === 0 || builderState(ctx) === 'off') return [];
    const findings: RuleFinding[] = [];
    for (const def of definitionsAt(ctx, [...SSH_CONFIG_FILE_OPTION, 'text'])) {
      if (def.priority !== 'normal' && def.priority !== 'mkDefault') continue;
      // The value as written, from after `=` (a `lib.mkDefault` around it included) to its end.
      const eq = ctx.text.indexOf('=', def.nameSpan.to);
      let from = eq + 1;
      while (/\s/.test(charAt(ctx.text, from))) from++;
      const written = ctx.text.slice(from, def.value.span.to);
      const inner = ctx.text.slice(def.value.span.from, def.value.span.to);
      const module = darwinModuleOf(ctx, def);
      const fixes =
        eq >= 0 && eq < def.value.span.from
          ? [
              {
                title: "Wrap it in lib.mkForce, so it replaces nix-darwin's block",
                isPreferred: true,
                edits: [
                  {
                    from,
                    to: def.value.span.to,
                    newText: `lib.mkForce ${def.priority === 'mkDefault' || written === inner ? inner : `(${written})`}`,
                  },
                  ...libInScope(ctx.text, module),
                ],
              },
            ]
          : [];
      findings.push({
        span: def.nameSpan,
        severity: 'warning',
        message:
          def.priority === 'mkDefault'
            ? 'This ssh config text loses to the Host block nix-darwin writes for the builder: use lib.mkForce.'
            : "This ssh config text is joined to nix-darwin's own Host block, and ssh keeps the first values: use lib.mkForce.",
        fixes,
      });
    }
    return findings;
  },
};
