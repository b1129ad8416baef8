/**
 * One root cause from all results: the first failure in chain order (PROBE_IDS order follows the
 * chain the nix-daemon walks: Nix, builders, ssh config, name, key, VM, host key, login, remote Nix).
 * Warnings and skips never decide; the evidence of other probes that failed or warned with the
 * same cause is added, so the verdict carries every line that proves it.
 */
import {
  PROBE_IDS,
  type CauseId,
  type Evidence,
  type ProbeResult,
  type Verdict,
} from '../protocol/probes.js';

const DECIDING: ReadonlySet<string> = new Set(['fail', 'needs-admin']);
/** The machines-file summary when Linux builds go to an external builder (checks/machinesFile.ts). */
const NATIVE = /^no SSH builder; Linux builds go to /;

export function decideVerdict(results: ProbeResult[]): Verdict {
  const ordered = [...results].sort((a, b) => PROBE_IDS.indexOf(a.id) - PROBE_IDS.indexOf(b.id));
  const decider = ordered.find((r) => DECIDING.has(r.status));
  if (decider === undefined) {
    const login =
      ordered.find((r) => r.id === 'remote-nix' && r.status === 'ok') ??
      ordered.find((r) => r.id === 'ssh-login' && r.status === 'ok');
    const ran = ordered.filter((r) => r.status !== 'skip').length;
    // Determinate's native builder has no SSH chain to prove: say which builder was found instead.
    const native =
      login === undefined
        ? ordered.find((r) => r.id === 'machines-file' && r.status === 'ok' && NATIVE.test(r.summary))
        : undefined;
    const shown = login ?? native;
    return {
      cause: 'ok',
      summary:
        login !== undefined
          ? `The builder works for the nix-daemon: ${login.summary}`
          : native !== undefined
            ? `No problem found in the ${ran} probe(s) that ran; ${native.summary}`
            : `No problem found in the ${ran} probe(s) that ran`,
      ...(shown !== undefined ? { probe: shown.id, evidence: shown.evidence } : {}),
    };
  }
  const cause: CauseId = decider.cause ?? (decider.status === 'needs-admin' ? 'needs-admin' : 'unknown');
  const evidence: Evidence[] = [...decider.evidence];
  for (const other of ordered) {
    // Warnings with the same cause corroborate (launchd says the VM is not running when the port is closed).
    if (
      other === decider ||
      !(DECIDING.has(other.status) || other.status === 'warn') ||
      (other.cause ?? 'unknown') !== cause
    )
      continue;
    for (const e of other.evidence)
      if (!evidence.some((x) => JSON.stringify(x) === JSON.stringify(e))) evidence.push(e);
  }
  return {
    cause,
    summary: decider.summary,
    ...(decider.fix ? { fix: decider.fix } : {}),
    evidence,
    probe: decider.id,
  };
}
