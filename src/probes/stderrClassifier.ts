/**
 * Names the cause behind what ssh and sudo print, with the ssh entries of the one error-text
 * catalogue (explain/catalogue.ts) that `explain` uses too: the probes and `explain` give a text
 * the same cause. The first entry that matches wins (the catalogue puts root causes first).
 */
import type { CauseId } from '../protocol/probes.js';
import { SSH_ENTRIES } from './explain/catalogue.js';

export interface Classification {
  cause: CauseId;
  /** One sentence for the user: what the text means. */
  explanation: string;
  /** The line of the input that matched, to quote as evidence. */
  matched: string;
}

/** Classify one blob of stderr; null when nothing in the catalogue matches. */
export function classifyStderr(text: string): Classification | null {
  for (const pattern of SSH_ENTRIES) {
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
 * Nix's own wrappers (docs/dev/domain.md#what-ssh-and-nix-print) say that a remote build failed, not why. When the ssh text
 * behind them went to the nix-daemon's log, the client sees only `unexpected end-of-file`.
 */
export function describeNixWrapper(text: string): string | null {
  if (/unexpected end-of-file/.test(text)) {
    return "Nix lost the SSH connection (`unexpected end-of-file`); through the daemon, ssh's own message goes to the nix-daemon's stderr, which nix-darwin logs only when services.nix-daemon.logFile is set (e.g. to /var/log/nix-daemon.log)";
  }
  if (
    /Failed to find a machine for remote build!|unable to start any build; remote machines may not have all required system features/.test(
      text,
    )
  ) {
    return 'Nix found no usable remote machine for this system (none configured for it, or every one failed to connect)';
  }
  return null;
}
