/**
 * The shapes the probe engine returns and `probe --format json` prints
 * (contract: docs/dev/architecture.md#stable-names-and-the-cli-contract). Plain data only: the CLI, the language server and
 * the VS Code health view all render these.
 */

export const PROBE_IDS = [
  'platform',
  'nix-install',
  'determinate',
  'builders-setting',
  'machines-file',
  'ssh-config-include',
  'ssh-effective-config',
  'hostname-resolution',
  'builder-key',
  'launchd-service',
  'vm-port',
  'host-key',
  'ssh-login',
  'remote-nix',
  'test-build',
] as const;

export type ProbeId = (typeof PROBE_IDS)[number];

export const CAUSE_IDS = [
  'ok',
  'no-builder-configured',
  'distributed-builds-off',
  'determinate-conflict',
  'ssh-config-not-included',
  'hostname-unresolved',
  'builder-down',
  'builder-booting',
  'builder-unresponsive',
  'host-key-mismatch',
  'host-key-unknown',
  'auth-rejected',
  'key-missing',
  'key-permissions',
  'remote-nix-missing',
  'builder-untrusted',
  'needs-admin',
  'unknown',
  // Named by `explain` from build- and activation-time texts (and by the probes where they see them).
  'builder-wrong-port',
  'host-name-has-scheme',
  'ssh-not-found',
  'machines-file-invalid',
  'ssh-connection-failed',
  'remote-build-failed',
  'vm-image-not-cached',
  'missing-features',
  'system-not-offered',
  'option-does-not-exist',
  'option-removed',
  'conflicting-definition',
  'option-type-mismatch',
  'requires-nix-enable',
  'unmanaged-etc-files',
  // The builder key: protected by a passphrase the daemon cannot type; root cannot read it.
  'key-passphrase',
  'key-unreadable',
  // Nix 2.31.0-2.31.2 build on the Mac itself for any `localhost` host (NixOS/nix#14148).
  'localhost-skips-ssh',
  // launchd restarts the VM over and over and it keeps dying (e.g. QEMU aborting, nixpkgs#528299).
  'builder-crash-loop',
  // `builders =` (empty) from the user's own nix.conf or NIX_CONFIG, not from nix-darwin.
  'builders-overridden',
] as const;

export type CauseId = (typeof CAUSE_IDS)[number];

export type ProbeStatus = 'ok' | 'warn' | 'fail' | 'skip' | 'needs-admin';

/** One piece of proof: a command that ran, a file that was read, or a plain observation. */
export interface Evidence {
  argv?: string[];
  exitCode?: number | null;
  stderr?: string;
  file?: string;
  detail?: string;
}

export interface ProbeFix {
  summary: string;
  /** Shell commands for the user to run themselves (shown, pre-typed, never executed for them). */
  commands?: string[];
  /** A link to the documentation that explains the fix. */
  docs?: string;
}

export interface ProbeResult {
  id: ProbeId;
  title: string;
  status: ProbeStatus;
  summary: string;
  evidence: Evidence[];
  durationMs: number;
  fix?: ProbeFix;
  /** The cause this result proves, when it fails; the verdict picks the first in chain order. */
  cause?: CauseId;
}

export interface Verdict {
  cause: CauseId;
  summary: string;
  fix?: ProbeFix;
  /** The evidence lines that prove the cause, copied from the deciding probe. */
  evidence?: Evidence[];
  /** The probe that decided the verdict. */
  probe?: ProbeId;
}

export interface ProbeReport {
  platform: string;
  nixVersion: string | null;
  results: ProbeResult[];
  verdict: Verdict;
}
