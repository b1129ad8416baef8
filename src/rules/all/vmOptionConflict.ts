/**
 * `vm-option-conflict`: nixpkgs' nix-builder-vm.nix defines `virtualisation.memorySize =
 * cfg.memorySize` and `virtualisation.diskSize = cfg.diskSize` at normal priority, so a plain
 * `nix.linux-builder.config.virtualisation.memorySize = 16384;` (or diskSize) with another value is
 * a second definition: "The option `virtualisation.memorySize' has conflicting definition values"
 * at rebuild. The profile does not set `virtualisation.cores`, and `forwardPorts` is a list that
 * merges: neither conflicts (docs/dev/domain.md#builder-vm-options). Fix: the profile's own option,
 * `virtualisation.darwin-builder.memorySize` / `diskSize`.
 */
import { BUILDER_CONFIG_PATH, BUILDER_VM_PATH } from '../../schema/index.js';
import { builderMayRun } from '../builderState.js';
import { moveDefinition } from '../editing.js';
import { definitionsAt, definitionsElsewhere, relatedTo, type Rule, type RuleFinding } from '../rule.js';

/** The profile's defaults (nix-builder-vm.nix): MiB. */
const DEFAULTS: Record<'memorySize' | 'diskSize', number> = { memorySize: 3 * 1024, diskSize: 20 * 1024 };

export const vmOptionConflictRule: Rule = {
  id: 'vm-option-conflict',
  severity: 'error',
  reads: [['nix', 'linux-builder']],
  docs: 'docs/rules/vm-option-conflict.md',
  summary: '`config.virtualisation.memorySize`/`diskSize` set plainly: the builder profile defines them too',
  check(ctx) {
    if (!builderMayRun(ctx)) return [];
    const findings: RuleFinding[] = [];
    for (const name of ['memorySize', 'diskSize'] as const) {
      const profilePath = [...BUILDER_VM_PATH, name];
      const profileDefs = [...definitionsAt(ctx, profilePath), ...definitionsElsewhere(ctx, profilePath)];
      // The value the profile gives `virtualisation.<name>`: the darwin-builder option's, when literal.
      if (profileDefs.some((d) => d.value.kind !== 'int')) continue;
      const profileDef = profileDefs.find((d) => !d.conditional) ?? profileDefs[0];
      const profileValue = profileDef?.value.kind === 'int' ? profileDef.value.value : DEFAULTS[name];
      for (const def of definitionsAt(ctx, [...BUILDER_CONFIG_PATH, 'virtualisation', name])) {
        // mkForce/mkOverride win and mkDefault loses without an error; an expression may equal it.
        if (def.priority !== 'normal' || def.value.kind !== 'int' || def.value.value === profileValue)
          continue;
        const move = profileDefs.length === 0 ? moveDefinition(ctx, def, profilePath) : undefined;
        findings.push({
          span: def.nameSpan,
          severity: 'error',
          message: `virtualisation.${name} is already set by the builder profile (${profileValue}): use virtualisation.darwin-builder.${name}.`,
          detail: `nixpkgs' nix-builder-vm.nix sets virtualisation.${name} = virtualisation.darwin-builder.${name} at normal priority, so a second plain definition with another value stops darwin-rebuild with "The option virtualisation.${name} has conflicting definition values". Set virtualisation.darwin-builder.${name} instead (or use lib.mkForce).`,
          fixes: move
            ? [
                {
                  title: `Move to virtualisation.darwin-builder.${name}`,
                  isPreferred: true,
                  edits: move.edits,
                },
              ]
            : [],
          ...(profileDef
            ? {
                related: [
                  relatedTo(ctx, profileDef, `virtualisation.darwin-builder.${name} = ${profileValue} here.`),
                ],
              }
            : {}),
        });
      }
    }
    return findings;
  },
};
