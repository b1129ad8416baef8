/**
 * `requires-nix-enable`: nix-darwin asserts "`nix.linux-builder.enable` requires `nix.enable`"
 * (modules/nix/linux-builder.nix). `nix.enable = false` is what Determinate Nix requires, and
 * importing Determinate's module (`determinate.darwinModules.default`) sets `nix.enable = mkForce
 * false` itself; Determinate has a builder of its own (docs/dev/domain.md#determinate-nix). The
 * two definitions are often in different modules: the finding goes on the one in this file, with
 * the other as related information, and a fix for each way out that this file can take.
 */
import type { OptionDefinition } from '../../nix/model.js';
import { removeBinding } from '../../nix/print.js';
import {
  definitionsAt,
  definitionsElsewhere,
  relatedTo,
  type OffsetFix,
  type Rule,
  type RuleContext,
  type RuleFinding,
} from '../rule.js';

const BUILDER_ENABLE = ['nix', 'linux-builder', 'enable'];
const NIX_ENABLE = ['nix', 'enable'];

const isBool = (wanted: boolean) => (d: OptionDefinition) =>
  d.value.kind === 'bool' && d.value.value === wanted;
/** Unconditional definitions first: they certainly apply. */
const byCertainty = (a: OptionDefinition, b: OptionDefinition) =>
  Number(a.conditional) - Number(b.conditional);

function turnBuilderOff(builder: OptionDefinition): OffsetFix {
  return {
    title: 'Turn nix.linux-builder off (Determinate Nix: use its own builder)',
    isPreferred: false,
    edits: [{ from: builder.value.span.from, to: builder.value.span.to, newText: 'false' }],
  };
}

function letNixDarwinManageNix(ctx: RuleContext, nixOff: OptionDefinition): OffsetFix {
  return {
    title: 'Remove nix.enable = false (not with Determinate Nix)',
    isPreferred: false,
    edits: [removeBinding(ctx.text, nixOff.bindingSpan)],
  };
}

const DETAIL =
  'nix-darwin asserts that nix.linux-builder.enable requires nix.enable, so darwin-rebuild stops. nix.enable = false is what Determinate Nix needs (importing its module sets it); Determinate has a Linux builder of its own (determinateNix.determinateNixd.builder.state = "enabled").';

const offMessage = (off: OptionDefinition) =>
  off.implied ? "Determinate's module sets nix.enable = false here." : 'nix.enable = false here.';

export const requiresNixEnableRule: Rule = {
  id: 'requires-nix-enable',
  severity: 'error',
  reads: [['nix']],
  docs: 'docs/rules/requires-nix-enable.md',
  summary:
    "the builder with `nix.enable = false`, in any module, or with Determinate's module imported (it sets that itself): a fix for each way out, related information at the other definition",
  check(ctx) {
    const builderHere = definitionsAt(ctx, BUILDER_ENABLE).filter(isBool(true)).sort(byCertainty)[0];
    const offHere = definitionsAt(ctx, NIX_ENABLE).filter(isBool(false)).sort(byCertainty)[0];
    const off = offHere ?? definitionsElsewhere(ctx, NIX_ENABLE).filter(isBool(false)).sort(byCertainty)[0];
    if (!off) return [];
    const findings: RuleFinding[] = [];
    if (builderHere) {
      const fixes = [turnBuilderOff(builderHere)];
      if (offHere && !offHere.implied) fixes.push(letNixDarwinManageNix(ctx, offHere));
      findings.push({
        span: builderHere.nameSpan,
        severity: 'error',
        message: off.implied
          ? "nix.linux-builder needs nix.enable, which Determinate's module sets to false: use Determinate's own builder."
          : 'nix.linux-builder needs nix.enable, which this configuration sets to false: darwin-rebuild stops.',
        detail: DETAIL,
        fixes,
        related: [relatedTo(ctx, off, offMessage(off))],
      });
      return findings;
    }
    const builderElsewhere = definitionsElsewhere(ctx, BUILDER_ENABLE)
      .filter(isBool(true))
      .sort(byCertainty)[0];
    if (offHere && builderElsewhere) {
      findings.push({
        span: offHere.implied ? offHere.value.span : offHere.nameSpan,
        severity: 'error',
        message: offHere.implied
          ? "Determinate's module sets nix.enable = false, but another module enables nix.linux-builder, which needs it."
          : 'nix.enable = false, but another module enables nix.linux-builder, which needs nix.enable: darwin-rebuild stops.',
        detail: DETAIL,
        fixes: offHere.implied ? [] : [letNixDarwinManageNix(ctx, offHere)],
        related: [relatedTo(ctx, builderElsewhere, 'nix.linux-builder.enable = true here.')],
      });
    }
    return findings;
  },
};
