/**
 * `localhost-no-port`: an entry whose hostName is this Mac without a port (`builder@localhost`)
 * makes ssh connect to port 22 of the Mac — refused, or macOS's own sshd with another host key —
 * not to the VM on 31022 (DOMAIN.md §6.7). The `linux-builder` alias carries Port 31022 and
 * HostKeyAlias; on Nix 2.31+ the port can also go in the host name.
 */
import { nixString } from '../../nix/print.js';
import { BUILDER_VM_HOST_KEY, DEFAULT_HOST_PORT } from '../../schema/nixDarwin.js';
import { knownHostsNix } from '../builderEntry.js';
import { addDefinition } from '../editing.js';
import { LOOPBACK_NAMES, machineEntries } from '../machineEntries.js';
import { darwinModuleOf, type OffsetFix, type Rule, type RuleFinding } from '../rule.js';

export const localhostNoPortRule: Rule = {
  id: 'localhost-no-port',
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const entry of machineEntries(ctx)) {
      const host = entry.hostNameValue;
      if (!host || !entry.hostName || !LOOPBACK_NAMES.has(host)) continue;
      const user = entry.fields.get('sshUser');
      if (host === 'localhost' && (!user || user.value.kind === 'null')) continue; // localhost-skips-ssh says it
      const span = entry.hostName.value.span;
      const module = darwinModuleOf(ctx, entry.hostName);
      const fixes: OffsetFix[] = [{
        title: 'Use hostName "linux-builder" (nix-darwin\'s ssh alias for localhost port 31022 with HostKeyAlias; any Nix version)',
        isPreferred: true,
        edits: [{ from: span.from, to: span.to, newText: nixString('linux-builder') }],
      }];
      const known = addDefinition(ctx, module, ['programs', 'ssh', 'knownHosts', 'linux-builder-vm'], knownHostsNix(`[localhost]:${DEFAULT_HOST_PORT}`, BUILDER_VM_HOST_KEY));
      if (known) {
        fixes.push({
          title: `Use hostName "localhost:${DEFAULT_HOST_PORT}" and pin the VM's host key for [localhost]:${DEFAULT_HOST_PORT} (needs Nix 2.31 or later)`,
          isPreferred: false,
          edits: [{ from: span.from, to: span.to, newText: nixString(`localhost:${DEFAULT_HOST_PORT}`) }, known],
        });
      }
      findings.push({
        span,
        severity: 'warning',
        message: `hostName "${host}" has no port, so ssh connects to port 22 of this Mac (refused, or macOS's own sshd with a different host key), not to the builder VM on port ${DEFAULT_HOST_PORT}. Use the alias "linux-builder" (nix-darwin's Host block: Port ${DEFAULT_HOST_PORT}, HostKeyAlias) or, on Nix 2.31+, "localhost:${DEFAULT_HOST_PORT}".`,
        fixes,
      });
    }
    return findings;
  },
};
