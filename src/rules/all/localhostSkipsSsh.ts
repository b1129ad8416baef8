/**
 * `localhost-skips-ssh`: an entry with hostName "localhost" and no sshUser gives the store URI
 * `ssh-ng://localhost` (or `ssh://localhost`); the exact authority `localhost` makes Nix skip SSH
 * and build on the Mac itself, so Linux builds never reach the VM (DOMAIN.md §4).
 */
import { insertIntoSet, nixString } from '../../nix/print.js';
import { machineEntries } from '../machineEntries.js';
import type { Rule, RuleFinding } from '../rule.js';

export const localhostSkipsSshRule: Rule = {
  id: 'localhost-skips-ssh',
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const entry of machineEntries(ctx)) {
      const user = entry.fields.get('sshUser');
      if (entry.hostNameValue !== 'localhost' || !entry.hostName || (user && user.value.kind !== 'null')) continue;
      const span = entry.hostName.value.span;
      const edits = [{ from: span.from, to: span.to, newText: nixString('linux-builder') }];
      if (entry.set && !user) edits.push(insertIntoSet(ctx.text, entry.set, ['sshUser'], nixString('builder')));
      // nix.buildMachines entries default to protocol "ssh" (nix-darwin modules/nix/default.nix).
      const protocolDef = entry.fields.get('protocol');
      const protocol = protocolDef?.value.kind === 'string' && protocolDef.value.value ? protocolDef.value.value : 'ssh';
      findings.push({
        span,
        severity: 'error',
        message: `hostName "localhost" with no sshUser makes the store URI ${protocol}://localhost, and Nix treats the exact authority \`localhost\` as this machine: it builds locally and never uses SSH, so Linux builds cannot start. Use the ssh alias \`linux-builder\` (localhost port 31022 via nix-darwin's Host block) with sshUser "builder".`,
        fixes: user ? [] : [{ title: 'Use hostName "linux-builder" with sshUser "builder"', isPreferred: true, edits }],
      });
    }
    return findings;
  },
};
