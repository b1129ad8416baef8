/**
 * Custom LSP messages of the linux-builder-doctor server. Types and method names only:
 * the VS Code extension and any other client (Neovim, Helix) use the same names.
 */
import type { ProbeId, ProbeReport, ProbeResult } from './probes.js';

/** Request: run the environment probes; answers with the whole report when done. */
export const RUN_PROBES_METHOD = 'linuxBuilderDoctor/runProbes';

export interface RunProbesParams {
  /** Correlates the progress notifications with this request. */
  runId: string;
  /** Read system files under this directory instead of `/` (tests stage a "Mac" there). */
  root?: string;
  only?: ProbeId[];
  timeoutMs?: number;
  /** Builder host to probe instead of the ones found in /etc/nix/machines. */
  builderHost?: string;
}

export type RunProbesResult = ProbeReport;

/** Notification (server to client): one probe finished during run `runId`. */
export const PROBE_PROGRESS_METHOD = 'linuxBuilderDoctor/probeProgress';

export interface ProbeProgressParams {
  runId: string;
  result: ProbeResult;
  /** How many probes the run will report in all, for a progress bar. */
  total: number;
}

/** Request: render a Markdown doctor report (same text as `linux-builder-doctor report`). */
export const REPORT_METHOD = 'linuxBuilderDoctor/report';

export interface ReportParams {
  root?: string;
  timeoutMs?: number;
}

export interface ReportResult {
  markdown: string;
}
