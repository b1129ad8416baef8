/**
 * `localhost-no-port`: an entry whose hostName is this Mac without a port (`builder@localhost`)
 * makes ssh connect to port 22 of the Mac — refused, or macOS's own sshd with another host key —
 * not to the VM on its forwarded port (docs/dev/domain.md#wrong-fixes,
 * item 7). Not a mistake when the configuration's own VM listens on port 22 (nixpkgs manual's
 * darwin-builder with `virtualisation.darwin-builder.hostPort = 22`), nor for an entry of non-Linux
 * systems only (ssh to this Mac's own sshd for darwin builds, on purpose).
 */
import { LOOPBACK_NAMES, machineEntries, onlyLinux, wantsLinux } from '../machineEntries.js';
import { loopbackFixes } from '../loopbackFixes.js';
import type { RelatedDefinition, Rule, RuleFinding } from '../rule.js';
import { quoted, relatedTo } from '../rule.js';
import { builderVmPort } from '../vmPort.js';

export const localhostNoPortRule: Rule = {
  id: 'localhost-no-port',
  severity: 'warning',
  reads: [['nix'], ['*', 'buildMachines'], ['programs', 'ssh'], ['virtualisation', 'darwin-builder']],
  docs: 'docs/rules/localhost-no-port.md',
  summary:
    'a Linux builder `hostName = "localhost"` (or `127.0.0.1`, `::1`) with a user and no port: ssh goes to port 22 of the Mac, not the VM (not when the configuration\'s own VM listens on 22)',
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const entry of machineEntries(ctx)) {
      const written = entry.hostNameValue;
      // `ssh://builder@localhost` (host-name-has-scheme's finding) is localhost without a port too;
      // its fixes wait for that split (they would drop the user).
      const parts =
        written === undefined
          ? undefined
          : /^(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/)?(?:([^@/\s]+)@)?(.*)$/.exec(written);
      const host = parts?.[2];
      if (!host || !entry.hostName || !LOOPBACK_NAMES.has(host) || !wantsLinux(entry)) continue;
      const user = entry.fields.get('sshUser');
      const hasUser = parts[1] !== undefined || (user !== undefined && user.value.kind !== 'null');
      if (host === 'localhost' && !hasUser) continue; // localhost-skips-ssh says it
      const vm = builderVmPort(ctx);
      if (vm.port === 22) continue; // the VM is on port 22: no port is right
      const related: RelatedDefinition[] = vm.def
        ? [relatedTo(ctx, vm.def, `The VM listens on port ${vm.port} here.`)]
        : [];
      findings.push({
        span: entry.hostName.value.span,
        severity: 'warning',
        message: `hostName ${quoted(written ?? '', 30)} has no port, so ssh goes to port 22 of this Mac, not to the VM on port ${vm.port}.`,
        detail: `Nix runs ssh to port 22 of the Mac: refused, or macOS's own sshd (Remote Login) with another host key. The VM listens on port ${vm.port}. nix-darwin's alias linux-builder carries Port 31022 and HostKeyAlias (its ssh_config.d Host block, only while nix.linux-builder is enabled). A port in hostName needs Nix 2.31; "localhost:<port>" needs 2.31.3, as 2.31.0 to 2.31.2 skip SSH and build on the Mac for any localhost host, this one too (NixOS/nix#14148); "127.0.0.1:<port>" works from 2.31.0.`,
        fixes: onlyLinux(entry) && host === written ? loopbackFixes(ctx, entry, vm, false) : [],
        ...(related.length ? { related } : {}),
      });
    }
    return findings;
  },
};
