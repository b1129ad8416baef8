import * as vscode from 'vscode';
import type { CauseId, ProbeFix, ProbeReport, ProbeResult, Verdict } from '../../protocol/probes.js';

/** The outcome of the last "Test Linux Builder" run, shown on top of the health view. */
export interface TestBuildOutcome {
  system: string;
  exitCode: number | undefined;
  finishedAt: Date;
  /** Why no exit code exists (spawn failure, cancelled). */
  error?: string;
  /** A failed build's diagnosis, from the CLI's result lines (health/testBuildResult.ts). */
  summary?: string;
  cause?: CauseId;
  fix?: ProbeFix;
}

/**
 * What the Builder Health view shows: the last probe report, the rows of a run in progress,
 * the last test build. Plain state plus a change event; the tree renders it, commands update it.
 */
export class HealthModel implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  report: ProbeReport | undefined;
  running = false;
  /** Results that arrived through progress notifications during the current run. */
  partial: ProbeResult[] = [];
  total = 0;
  testBuild: TestBuildOutcome | undefined;
  lastError: string | undefined;

  startRun(): void {
    this.running = true;
    this.partial = [];
    this.total = 0;
    this.lastError = undefined;
    this.changed.fire();
  }

  progress(result: ProbeResult, total: number): void {
    this.partial = [...this.partial.filter((r) => r.id !== result.id), result];
    this.total = total;
    this.changed.fire();
  }

  finishRun(report: ProbeReport | undefined, error?: string): void {
    this.running = false;
    if (report) this.report = report;
    this.lastError = error;
    this.partial = [];
    this.changed.fire();
  }

  setTestBuild(outcome: TestBuildOutcome): void {
    this.testBuild = outcome;
    this.changed.fire();
  }

  /**
   * Merge the report of a run made as root (sudo, in a terminal): it sees what a normal user may not,
   * so its results replace our `needs-admin` rows, and its verdict wins unless it too needed admin.
   */
  mergeAdmin(admin: ProbeReport): void {
    const base = this.report ?? admin;
    const byId = new Map(admin.results.map((r) => [r.id, r]));
    const results = base.results.map((r) => {
      const rootResult = byId.get(r.id);
      return r.status === 'needs-admin' && rootResult
        ? { ...rootResult, summary: `${rootResult.summary} (checked as root)` }
        : r;
    });
    const verdict: Verdict = admin.verdict.cause === 'needs-admin' ? base.verdict : admin.verdict;
    this.report = { ...base, results, verdict };
    this.changed.fire();
  }

  /** The rows to show now: the finished report, or what arrived so far while running. */
  rows(): ProbeResult[] {
    return this.running ? this.partial : (this.report?.results ?? []);
  }

  find(id: string): ProbeResult | undefined {
    return this.rows().find((r) => r.id === id) ?? this.report?.results.find((r) => r.id === id);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
