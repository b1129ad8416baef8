/**
 * `requires-nix-enable`: nix-darwin asserts "`nix.linux-builder.enable` requires `nix.enable`".
 * `nix.enable = false` is what Determinate Nix requires, and its module has its own builder
 * (DOMAIN.md §3, §7), so no automatic fix: the user must pick one of the two routes.
 */
import { boolAt, type Rule } from '../rule.js';

export const requiresNixEnableRule: Rule = {
  id: 'requires-nix-enable',
  check(ctx) {
    const builder = boolAt(ctx, ['nix', 'linux-builder', 'enable'], true);
    const nixOff = boolAt(ctx, ['nix', 'enable'], false);
    if (!builder || !nixOff) return [];
    return [{
      span: builder.nameSpan,
      severity: 'error',
      message: 'nix.linux-builder.enable requires nix.enable, which this configuration sets to false: darwin-rebuild stops with "`nix.linux-builder.enable` requires `nix.enable`". ' +
        'If you use Determinate Nix (which needs nix.enable = false), turn nix.linux-builder off and use Determinate\'s builder (determinateNix.determinateNixd.builder.state = "enabled", or determinateNix.nixosVmBasedLinuxBuilder). ' +
        'Otherwise remove nix.enable = false.',
      fixes: [],
    }];
  },
};
