/**
 * `invalid-system`: a `system`/`systems` value that is no Nix system double (`"x86_64"`,
 * `"arm64-linux"`, `"aarch64-darwin "` with a space). Nix compares these strings to a derivation's
 * `system` exactly, so such a builder is never chosen ("Failed to find a machine for remote build",
 * docs/dev/domain.md#what-ssh-and-nix-print). The fix is the closest real double.
 */
import type { StaticValue } from '../../nix/model.js';
import { nixString } from '../../nix/print.js';
import { SYSTEM_ALIASES, SYSTEM_DOUBLES } from '../../schema/systems.js';
import { closest } from '../distance.js';
import { quoted, type Rule, type RuleFinding } from '../rule.js';

const KNOWN = new Set(SYSTEM_DOUBLES);

/** The double a written value should be, or undefined when it is one (or an unknown exotic one). */
export function correctSystem(value: string): string | undefined {
  if (KNOWN.has(value)) return undefined;
  const trimmed = value.trim();
  if (KNOWN.has(trimmed)) return trimmed;
  const lower = trimmed.toLowerCase();
  if (KNOWN.has(lower)) return lower;
  const alias = SYSTEM_ALIASES[lower];
  if (alias) return alias;
  // A near-miss of a known double (`aarch64-linx`); other well-formed doubles may be exotic ones.
  return closest(lower, SYSTEM_DOUBLES);
}

const isSystemsPath = (path: readonly string[]): boolean =>
  path[0] === 'nix' &&
  ((path[1] === 'linux-builder' && path[2] === 'systems' && path.length === 3) ||
    (path[1] === 'buildMachines' &&
      path[2] === '*' &&
      path.length === 4 &&
      (path[3] === 'system' || path[3] === 'systems')));

export const invalidSystemRule: Rule = {
  id: 'invalid-system',
  severity: 'warning',
  reads: [
    ['nix', 'linux-builder', 'systems'],
    ['nix', 'buildMachines'],
  ],
  docs: 'docs/rules/invalid-system.md',
  summary:
    'a `system`/`systems` value that is no Nix system double (`"x86_64"`, `"arm64-linux"`, `"aarch64-darwin "`)',
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const def of ctx.located.definitions) {
      if (!isSystemsPath(def.path) || def.module.nixos) continue;
      const values: StaticValue[] = def.value.kind === 'list' ? def.value.items : [def.value];
      for (const value of values) {
        if (value.kind !== 'string' || value.value === null) continue;
        const corrected = correctSystem(value.value);
        if (!corrected) continue;
        findings.push({
          span: value.span,
          severity: 'warning',
          message: `${quoted(value.value, 30)} is not a Nix system, so no build is ever sent for it: the system is "${corrected}".`,
          detail:
            'Nix compares these strings with a derivation\'s system exactly, so a builder listed for a name that is no system double (like "aarch64-linux" or "x86_64-darwin") is never chosen ("Failed to find a machine for remote build").',
          fixes: [
            {
              title: `Change to "${corrected}"`,
              isPreferred: true,
              edits: [{ from: value.span.from, to: value.span.to, newText: nixString(corrected) }],
            },
          ],
        });
      }
    }
    return findings;
  },
};
