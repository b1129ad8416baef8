/**
 * Names the cause behind what ssh, sudo and Nix print, using the catalogue of DOMAIN.md §8
 * (observed with OpenSSH 9.2 and Nix 2.8 without a tty, plus the macOS wordings).
 * Order matters: ssh prints several lines for one failure (a missing or too-open key is followed
 * by "Permission denied (publickey)"), so the most specific root cause is tried first.
 */
import type { CauseId } from '../protocol/probes.js';

export interface Classification {
  cause: CauseId;
  /** One sentence for the user: what the text means. */
  explanation: string;
  /** The line of the input that matched, to quote as evidence. */
  matched: string;
}

interface Pattern {
  cause: CauseId;
  test: RegExp;
  explanation: string;
}

const PATTERNS: Pattern[] = [
  { cause: 'needs-admin', test: /sudo: (a password is required|a terminal is required|no tty present)/,
    explanation: 'checking as root needs administrator rights and sudo would have to ask for a password' },
  { cause: 'key-missing', test: /no such identity: .*No such file or directory|Warning: Identity file .* not accessible: No such file or directory/,
    explanation: 'the SSH key Nix passes with -i does not exist' },
  { cause: 'key-permissions', test: /UNPROTECTED PRIVATE KEY FILE|Load key "[^"]*": bad permissions/,
    explanation: 'ssh refuses the key because it is readable by others while owned by the account that runs ssh (root for the nix-daemon)' },
  { cause: 'key-permissions', test: /Load key "[^"]*": Permission denied|Warning: Identity file .* not accessible: Permission denied/,
    explanation: 'the account that runs ssh cannot read the SSH key' },
  { cause: 'host-key-mismatch', test: /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/,
    explanation: "the builder's host key differs from the one pinned for it (publicHostKey or known_hosts)" },
  { cause: 'host-key-unknown', test: /Host key verification failed\.|No [A-Z0-9]+ host key is known for/,
    explanation: "no known host key matches the name ssh looks up (publicHostKey, known_hosts, HostKeyAlias)" },
  { cause: 'hostname-unresolved', test: /Could not resolve hostname [^:]+: (Name or service not known|nodename nor servname provided, or not known|Temporary failure in name resolution|No address associated with hostname|.*)/,
    explanation: 'ssh cannot resolve the host name: the Host block that maps it to localhost does not apply' },
  { cause: 'builder-down', test: /connect to host \S+ port \d+: (Connection refused|No route to host|Network is unreachable)/,
    explanation: "nothing listens on the builder's SSH port: the VM is not running" },
  { cause: 'builder-booting', test: /kex_exchange_identification: Connection closed by remote host|kex_exchange_identification: read: Connection reset by peer|Connection reset by \S+( port \d+)?/,
    explanation: 'the port accepts connections but closes them before SSH starts: the VM is still booting (or its sshd is not up)' },
  { cause: 'builder-unresponsive', test: /Connection timed out during banner exchange|connect to host \S+ port \d+: (Connection timed out|Operation timed out)/,
    explanation: 'the port accepts connections but no SSH server answers: the VM hangs' },
  { cause: 'auth-rejected', test: /Permission denied \(publickey[^)]*\)|Too many authentication failures/,
    explanation: 'the builder rejects the key (wrong key, unknown user or locked account)' },
  { cause: 'remote-nix-missing', test: /(nix-daemon|nix-store|nix): command not found|(nix-daemon|nix-store): not found|command not found: (nix-daemon|nix-store)/,
    explanation: "Nix is not on the builder user's PATH for non-interactive SSH commands" },
  { cause: 'builder-untrusted', test: /you are not privileged to build input-addressed derivations|is not a trusted user|lacks a signature by a trusted key/,
    explanation: "the builder's Nix does not trust the SSH user (trusted-users)" },
];

/** Classify one blob of stderr; null when nothing in the catalogue matches. */
export function classifyStderr(text: string): Classification | null {
  for (const pattern of PATTERNS) {
    const match = pattern.test.exec(text);
    if (match) {
      const lineStart = text.lastIndexOf('\n', match.index) + 1;
      const lineEnd = text.indexOf('\n', match.index);
      const matched = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).trim();
      return { cause: pattern.cause, explanation: pattern.explanation, matched };
    }
  }
  return null;
}

/**
 * Nix's own wrappers (DOMAIN.md §8) say that a remote build failed, not why. When the ssh text
 * behind them went to the nix-daemon's log, the client sees only `unexpected end-of-file`.
 */
export function describeNixWrapper(text: string): string | null {
  if (/unexpected end-of-file/.test(text)) {
    return "Nix lost the SSH connection (`unexpected end-of-file`); ssh's own message is in the nix-daemon's log (/var/log/nix-daemon.log on nix-darwin)";
  }
  if (/Failed to find a machine for remote build!|unable to start any build; remote machines may not have all required system features/.test(text)) {
    return 'Nix found no usable remote machine for this system (none configured for it, or every one failed to connect)';
  }
  return null;
}
