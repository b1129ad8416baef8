/**
 * `ssh-key-store-path`: `sshKey = ./builder_ed25519;` (a path literal) copies the PRIVATE key into
 * the world-readable /nix/store. It must be a string naming a root-only file (DOMAIN.md §5).
 */
import { nixString } from '../../nix/print.js';
import type { Rule, RuleFinding } from '../rule.js';

export const sshKeyStorePathRule: Rule = {
  id: 'ssh-key-store-path',
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const def of ctx.located.definitions) {
      const last = def.path[def.path.length - 1];
      if (last !== 'sshKey' || def.path[1] !== 'buildMachines' || def.value.kind !== 'path') continue;
      const written = def.value.text;
      const absolute = written.startsWith('/') && !written.includes('${');
      findings.push({
        span: def.value.span,
        severity: 'error',
        message: `sshKey is a Nix path literal (${written}): evaluating it copies the private key into the world-readable /nix/store. Give the key's location as a string instead, e.g. "/etc/nix/builder_ed25519", a file readable only by root (the nix-daemon connects as root).`,
        fixes: absolute
          ? [{ title: `Quote it: ${nixString(written)}`, isPreferred: true, edits: [{ from: def.value.span.from, to: def.value.span.to, newText: nixString(written) }] }]
          : [],
      });
    }
    return findings;
  },
};
