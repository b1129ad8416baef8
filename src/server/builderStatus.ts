/**
 * What the server knows of the builder: whether a health check (a probe run it served, or one the
 * client reports) or a test build (the client reports it) has shown that it works. Advice for a
 * first setup (`config-needs-bootstrap`) is quiet while it does, and back when a later run fails.
 */
import type { CauseId, ProbeReport } from '../protocol/probes.js';

/** Verdicts that say nothing about whether the builder works (the checks could not look). */
const UNDECIDED: readonly CauseId[] = ['needs-admin', 'unknown'];

export class BuilderStatus {
  private known = false;

  constructor(
    private readonly log: (message: string) => void,
    /** Called when `works` changed: the documents are judged again. */
    private readonly onChange: () => void,
  ) {}

  get works(): boolean {
    return this.known;
  }

  set(works: boolean, source: string): void {
    if (works === this.known) return;
    this.known = works;
    this.log(`builder ${works ? 'works' : 'does not work'} (${source})`);
    this.onChange();
  }

  /** A finished probe run: `ok` shows the builder works; a named failure shows it does not. */
  fromReport(report: ProbeReport): void {
    const cause = report.verdict.cause;
    if (cause === 'ok') this.set(true, 'health check');
    else if (!UNDECIDED.includes(cause)) this.set(false, `health check: ${cause}`);
  }
}
