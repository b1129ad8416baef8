/**
 * The verdict in plain words, one short line per cause, for the places that must lead with the
 * answer (the Builder Health view's headline, its badge, the test build's notification). The cause
 * id stays beside it for searching and bug reports. Each line restates what the cause means where
 * it is decided (the explanations in src/probes/explain/catalogue.ts, the fixes in
 * src/probes/fixes.ts); nothing here is a new claim. Plain text: no Markdown, no backticks.
 * A Record over CauseId, so a new cause does not compile without its headline.
 */
import type { CauseId } from './probes.js';

export const CAUSE_HEADLINES: Record<CauseId, string> = {
  ok: 'The Linux builder works',
  'no-builder-configured': 'No Linux builder is configured',
  'distributed-builds-off': 'Nix ignores its builders: distributed builds are off',
  'determinate-conflict': "nix-darwin's builder conflicts with Determinate Nix",
  'ssh-config-not-included': "Root's ssh does not read the linux-builder Host block",
  'hostname-unresolved': "Root's ssh cannot resolve the builder's host name",
  'builder-down': 'The builder VM is not running',
  'builder-booting': 'The builder VM is still starting',
  'builder-unresponsive': "The builder's port answers, but no SSH server does",
  'host-key-mismatch': "The builder's host key differs from the pinned one",
  'host-key-unknown': "No known host key matches the builder's name",
  'auth-rejected': 'The builder rejects the SSH key',
  'key-missing': 'The SSH key for the builder does not exist',
  'key-permissions': "The builder key's permissions stop ssh from using it",
  'remote-nix-missing': "Nix is not on the builder user's PATH",
  'builder-untrusted': "The builder's Nix does not trust the SSH user",
  'needs-admin': 'Some checks need root (sudo) to see what the daemon sees',
  unknown: 'The builder fails for a reason not recognised',
  'builder-wrong-port': 'The builder entry reaches port 22 of this Mac, not the VM',
  'host-name-has-scheme': 'The builder host name includes a URI scheme',
  'ssh-not-found': 'Nix cannot find the ssh program',
  'machines-file-invalid': 'Nix cannot read the machines file',
  'ssh-connection-failed': 'Nix could not connect to the builder over SSH',
  'remote-build-failed': 'Nix found no remote machine it could use for this build',
  'vm-image-not-cached': "The builder VM's image is not in the binary cache",
  'missing-features': 'The builder lacks a system feature the build requires',
  'system-not-offered': 'No builder offers the system the build needs',
  'option-does-not-exist': 'The configuration sets an option that does not exist',
  'option-removed': 'The configuration sets an option that was removed',
  'conflicting-definition': 'Two modules give one option different values',
  'option-type-mismatch': 'An option is given a value of the wrong type',
  'requires-nix-enable': "nix-darwin's builder needs nix.enable = true",
  'unmanaged-etc-files': 'nix-darwin will not overwrite files in /etc it did not write',
  'key-passphrase': 'The builder key has a passphrase the daemon cannot type',
  'key-unreadable': 'Root cannot read the builder key',
  'localhost-skips-ssh': 'This Nix skips SSH for a localhost builder',
  'builder-crash-loop': 'The builder VM keeps crashing and restarting',
  'builders-overridden': 'Your own nix.conf or NIX_CONFIG sets builders to empty',
};

/** The headline of a cause; an id from a newer server falls back to itself. */
export function causeHeadline(cause: string): string {
  return (CAUSE_HEADLINES as Record<string, string | undefined>)[cause] ?? cause;
}
