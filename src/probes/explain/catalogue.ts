/**
 * The one table of error texts → cause. The probes classify ssh's stderr with the `ssh` entries
 * (stderrClassifier.ts), `explain` matches every entry line by line; both then take the fix from
 * fixes.ts, so a text gets the same cause and fix wherever it is seen.
 *
 * Sources of the texts (docs/dev/domain.md#what-ssh-and-nix-print and
 * docs/dev/domain.md#failures-users-report): OpenSSH 9.2 without a tty plus the macOS wordings; Nix src/libstore/ssh.cc,
 * build-remote.cc, machines.cc (both base64 wordings: `is not valid base64 string` up to 2.24,
 * `invalid character in Base64 string` since 2.25); nixpkgs lib/modules.nix (option errors, quoted
 * with `…' in older and '…' in newer releases: both are matched); nix-darwin
 * modules/nix/linux-builder.nix (assertion), modules/system/etc.nix (unmanaged /etc files),
 * modules/system/checks.nix (Determinate). The real texts these were checked against are kept
 * with their sources under test/fixtures/errorTexts/.
 *
 * Every regex is tried on ONE line and starts with a literal, so a 10 MB log costs one pass of
 * the combined needle (NEEDLE) and a few specific tests on the lines it hits.
 */
import type { CauseId } from '../../protocol/probes.js';

export type EntryKind = 'ssh' | 'nix' | 'eval' | 'activation';

export interface CatalogueEntry {
  cause: CauseId;
  kind: EntryKind;
  /** Tested on one line (no newlines inside). */
  test: RegExp;
  /** One sentence for the user: what the text means. */
  explanation: string;
}

/** Option-path quoting of nixpkgs' module system: `path' (older) or 'path' (newer). */
const Q = "[`'‘]([^`'’]+)[`'’]";

/**
 * Order matters: ssh prints several lines for one failure (a missing or too-open key is followed
 * by "Permission denied (publickey)"), so the most specific root cause is tried first.
 */
export const CATALOGUE: CatalogueEntry[] = [
  // --- ssh (and sudo) ------------------------------------------------------------------------
  {
    cause: 'needs-admin',
    kind: 'ssh',
    test: /sudo: (a password is required|a terminal is required|no tty present)/,
    explanation: 'checking as root needs administrator rights and sudo would have to ask for a password',
  },
  {
    cause: 'key-missing',
    kind: 'ssh',
    test: /no such identity: .*No such file or directory|Warning: Identity file .* not accessible: No such file or directory/,
    explanation: 'the SSH key Nix passes with -i does not exist',
  },
  {
    cause: 'key-permissions',
    kind: 'ssh',
    test: /UNPROTECTED PRIVATE KEY FILE|Load key "[^"]*": bad permissions/,
    explanation:
      'ssh refuses the key because it is readable by others while owned by the account that runs ssh (root for the nix-daemon)',
  },
  {
    cause: 'key-permissions',
    kind: 'ssh',
    test: /Load key "[^"]*": Permission denied|Warning: Identity file .* not accessible: Permission denied/,
    explanation: 'the account that runs ssh cannot read the SSH key',
  },
  {
    cause: 'host-key-mismatch',
    kind: 'ssh',
    test: /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/,
    explanation: "the builder's host key differs from the one pinned for it (publicHostKey or known_hosts)",
  },
  {
    cause: 'host-key-unknown',
    kind: 'ssh',
    test: /Host key verification failed\.|No [A-Z0-9]+ host key is known for/,
    explanation: 'no known host key matches the name ssh looks up (publicHostKey, known_hosts, HostKeyAlias)',
  },
  {
    cause: 'hostname-unresolved',
    kind: 'ssh',
    test: /Could not resolve hostname [^:\s]+: /,
    explanation: 'ssh cannot resolve the host name: the Host block that maps it to localhost does not apply',
  },
  // Port 22 of localhost is the Mac itself, not the builder VM (docs/dev/domain.md#wrong-fixes,
  // item 7): the builder entry names localhost without a port.
  {
    cause: 'builder-wrong-port',
    kind: 'ssh',
    test: /connect to host (localhost|127\.0\.0\.1|::1) port 22: Connection refused/,
    explanation:
      'ssh connected to port 22 of this Mac, not to the builder VM: the builder entry names localhost without its port',
  },
  {
    cause: 'builder-down',
    kind: 'ssh',
    test: /connect to host \S+ port \d+: (Connection refused|No route to host|Network is unreachable)/,
    explanation: "nothing listens on the builder's SSH port: the VM is not running",
  },
  {
    cause: 'builder-booting',
    kind: 'ssh',
    test: /kex_exchange_identification: Connection closed by remote host|kex_exchange_identification: read: Connection reset by peer|Connection reset by \S+( port \d+)?/,
    explanation:
      'the port accepts connections but closes them before SSH starts: the VM is still booting (or its sshd is not up)',
  },
  {
    cause: 'builder-unresponsive',
    kind: 'ssh',
    test: /Connection timed out during banner exchange|connect to host \S+ port \d+: (Connection timed out|Operation timed out)/,
    explanation: 'the port accepts connections but no SSH server answers: the VM hangs',
  },
  {
    cause: 'auth-rejected',
    kind: 'ssh',
    test: /Permission denied \(publickey[^)]*\)|Too many authentication failures/,
    explanation: 'the builder rejects the key (wrong key, unknown user or locked account)',
  },
  {
    cause: 'remote-nix-missing',
    kind: 'ssh',
    test: /(nix-daemon|nix-store|nix): command not found|(nix-daemon|nix-store): not found|command not found: (nix-daemon|nix-store)/,
    explanation: "Nix is not on the builder user's PATH for non-interactive SSH commands",
  },
  {
    cause: 'builder-untrusted',
    kind: 'ssh',
    test: /you are not privileged to build input-addressed derivations|lacks a signature by a trusted key/,
    explanation: "the builder's Nix does not trust the SSH user (trusted-users)",
  },

  // --- Nix's own texts around a remote build --------------------------------------------------
  // nix-darwin prepends `protocol://` to hostName, so a scheme inside hostName doubles it (nixpkgs#229542).
  {
    cause: 'host-name-has-scheme',
    kind: 'nix',
    test: /(ssh(-ng)?:\/\/)(ssh(-ng)?:\/\/)|(SSH connection to|cannot connect to) '\/\/ssh/,
    explanation:
      'the builder\'s host name itself starts with "ssh://", so Nix connects to a host named "ssh"',
  },
  {
    cause: 'ssh-not-found',
    kind: 'nix',
    test: /unable to execute 'ssh': No such file or directory/,
    explanation:
      'Nix runs the system OpenSSH `ssh`, and the process that connects (the nix-daemon on a multi-user install) finds none on its PATH',
  },
  {
    cause: 'machines-file-invalid',
    kind: 'nix',
    test: /bad machine specification|while parsing machine specification|invalid character in Base64 string/,
    explanation:
      'Nix cannot parse a line of the machines file (builders setting); with base64 in the text, the publicHostKey column is not valid base64',
  },

  // --- evaluation (darwin-rebuild) ------------------------------------------------------------
  {
    cause: 'option-does-not-exist',
    kind: 'eval',
    test: new RegExp(`The option ${Q} does not exist`),
    explanation:
      "the configuration sets an option that nix-darwin (or, inside nix.linux-builder.config, the VM's NixOS) does not have",
  },
  {
    cause: 'option-removed',
    kind: 'eval',
    // nixpkgs' mkRemovedOptionModule (lib/modules.nix) says it twice: a failed assertion where the
    // option is defined, and a throw where something reads it (as nix-darwin's own modules may).
    test: new RegExp(
      `The option definition ${Q} in .* no longer has any effect|The option ${Q} can no longer be used since it's been removed`,
    ),
    explanation: 'the configuration sets an option that was removed',
  },
  {
    cause: 'conflicting-definition',
    kind: 'eval',
    test: new RegExp(`The option ${Q} has conflicting definition values`),
    explanation: 'two modules give one option different values at the same priority',
  },
  {
    cause: 'option-type-mismatch',
    kind: 'eval',
    test: new RegExp(`A definition for option ${Q} is not of type ${Q}`),
    explanation: 'an option is given a value of the wrong type',
  },
  {
    cause: 'requires-nix-enable',
    kind: 'eval',
    test: /nix\.linux-builder\.enable[`'’]? requires [`'‘]?nix\.enable/,
    explanation: "nix-darwin's builder needs nix-darwin to manage Nix (`nix.enable = true`)",
  },

  // --- activation (darwin-rebuild switch) -----------------------------------------------------
  {
    cause: 'determinate-conflict',
    kind: 'activation',
    test: /Determinate detected, aborting activation/,
    explanation: 'nix-darwin manages Nix (`nix.enable = true`) on a machine where Determinate Nix manages it',
  },
  {
    cause: 'unmanaged-etc-files',
    kind: 'activation',
    test: /Unexpected files in \/etc, aborting activation/,
    explanation: 'nix-darwin refuses to overwrite files in /etc it did not write (modules/system/etc.nix)',
  },
];

/** The ssh entries, in order: what the probes classify ssh's stderr with. */
export const SSH_ENTRIES = CATALOGUE.filter((e) => e.kind === 'ssh');

/**
 * Literal fragments of which every interesting line contains at least one; one global regex of
 * plain alternatives, so V8 scans a big log once. Lines without one are never looked at again.
 */
export const NEEDLE = new RegExp(
  [
    'sudo: ',
    'identity',
    'UNPROTECTED',
    'Load key',
    'IDENTIFICATION',
    'Host key',
    'host key',
    'resolve hostname',
    'connect to host',
    'kex_exchange',
    'Connection reset',
    'banner exchange',
    'Permission denied',
    'authentication failures',
    'not found',
    'not privileged',
    'trusted key',
    'ssh://ssh',
    'ssh-ng://ssh',
    "'//ssh",
    "execute 'ssh'",
    'machine specification',
    'Base64',
    'The option',
    'A definition for option',
    'requires `nix.enable',
    "requires 'nix.enable",
    'requires nix.enable',
    'Determinate detected',
    'Unexpected files in /etc',
    // context lines the engine reads (wrappers, "required to build", the files of /etc)
    'cannot build on',
    'failed to start SSH',
    'unexpected end-of-file',
    'Failed to find a machine',
    'is required to build',
    'Required system:',
    'Current system:',
    'Cannot build',
    'via option',
    'In `',
    "In '",
    'remote machines may not',
    '/etc/',
  ]
    .map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('|'),
  'g',
);
