/**
 * `localhost-skips-ssh`: an entry with hostName "localhost" and no sshUser gives the store URI
 * `ssh-ng://localhost` (or `ssh://localhost`); the exact authority `localhost` makes Nix skip SSH
 * and build on the Mac itself, so Linux builds never reach the VM (
 * docs/dev/domain.md#how-nix-connects-to-a-remote-builder). Not a mistake: `protocol = null` (nix-darwin's documented "special localhost builder
 * without a protocol", modules/nix/default.nix) or an entry for non-Linux systems only (this Mac's
 * own builds, on purpose).
 */
import { entryProtocol, machineEntries, onlyLinux, wantsLinux } from '../machineEntries.js';
import { loopbackFixes } from '../loopbackFixes.js';
import type { Rule, RuleFinding } from '../rule.js';
import { builderVmPort } from '../vmPort.js';

export const localhostSkipsSshRule: Rule = {
  id: 'localhost-skips-ssh',
  severity: 'error',
  reads: [['nix'], ['*', 'buildMachines'], ['programs', 'ssh'], ['virtualisation', 'darwin-builder']],
  docs: 'docs/rules/localhost-skips-ssh.md',
  summary:
    '`hostName = "localhost"` without a user for Linux systems: Nix builds locally and never uses SSH (not with `protocol = null`, nix-darwin\'s deliberate local machine)',
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const entry of machineEntries(ctx)) {
      const user = entry.fields.get('sshUser');
      if (entry.hostNameValue !== 'localhost' || !entry.hostName || (user && user.value.kind !== 'null'))
        continue;
      const protocol = entryProtocol(entry);
      if (protocol === null || !wantsLinux(entry)) continue;
      const vm = builderVmPort(ctx);
      // Fixes point the entry at the Linux VM: never with darwin systems in it.
      const fixes = onlyLinux(entry) && !user ? loopbackFixes(ctx, entry, vm, true) : [];
      // nix.buildMachines entries default to protocol "ssh" (nix-darwin modules/nix/default.nix).
      findings.push({
        span: entry.hostName.value.span,
        severity: 'error',
        message: `hostName "localhost" with no sshUser makes Nix build on this Mac without SSH, never on the VM.`,
        detail: `The entry's store URI is ${protocol ?? 'ssh'}://localhost, and for exactly that authority Nix skips SSH and builds locally (every version). With a user (builder@localhost) Nix connects over ssh, except Nix 2.31.0 to 2.31.2, which skip SSH for any localhost host (NixOS/nix#14148); 127.0.0.1 or nix-darwin's linux-builder alias avoid that. protocol = null is nix-darwin's way to describe this Mac on purpose.`,
        fixes,
      });
    }
    return findings;
  },
};
