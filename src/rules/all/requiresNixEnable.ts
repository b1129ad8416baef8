/**
 * `requires-nix-enable`: nix-darwin asserts "`nix.linux-builder.enable` requires `nix.enable`".
 * `nix.enable = false` is what Determinate Nix requires, and its module has its own builder
 * (DOMAIN.md §3, §7), so no automatic fix: the user must pick one of the two routes. The two
 * definitions are often in different modules: the finding goes on the one in this file.
 */
import { boolAt, boolElsewhere, type Rule } from '../rule.js';

const BUILDER_ENABLE = ['nix', 'linux-builder', 'enable'];
const NIX_ENABLE = ['nix', 'enable'];

const ROUTES = 'If you use Determinate Nix (which needs nix.enable = false), turn nix.linux-builder off and use Determinate\'s builder (determinateNix.determinateNixd.builder.state = "enabled", or determinateNix.nixosVmBasedLinuxBuilder). Otherwise remove nix.enable = false.';

export const requiresNixEnableRule: Rule = {
  id: 'requires-nix-enable',
  check(ctx) {
    const builder = boolAt(ctx, BUILDER_ENABLE, true);
    const nixOff = boolAt(ctx, NIX_ENABLE, false);
    if (builder && (nixOff ?? boolElsewhere(ctx, NIX_ENABLE, false))) {
      return [{
        span: builder.nameSpan,
        severity: 'error',
        message: `nix.linux-builder.enable requires nix.enable, which this configuration sets to false${nixOff ? '' : ' in another module'}: darwin-rebuild stops with "\`nix.linux-builder.enable\` requires \`nix.enable\`". ${ROUTES}`,
        fixes: [],
      }];
    }
    if (!builder && nixOff && boolElsewhere(ctx, BUILDER_ENABLE, true)) {
      return [{
        span: nixOff.nameSpan,
        severity: 'error',
        message: `nix.enable = false, but another module of this configuration enables nix.linux-builder, which requires nix.enable: darwin-rebuild stops with "\`nix.linux-builder.enable\` requires \`nix.enable\`". ${ROUTES}`,
        fixes: [],
      }];
    }
    return [];
  },
};
