/**
 * What the server knows of the builder: whether a health check (a probe run it served, or one the
 * client reports) or a test build (the client reports it) has shown that it works. Advice for a
 * first setup (`config-needs-bootstrap`) is quiet while it does, and back when a later run fails.
 */
import { builderWorksFromVerdict } from '../protocol/lsp.js';
import type { ProbeReport } from '../protocol/probes.js';

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
    const works = builderWorksFromVerdict(cause);
    if (works !== undefined) this.set(works, works ? 'health check' : `health check: ${cause}`);
  }
}
