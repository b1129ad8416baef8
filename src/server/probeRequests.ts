/**
 * The custom requests of src/protocol/lsp.ts: run the environment probes (streaming one
 * progress notification per result) and render the Markdown doctor report. LSP cancellation
 * becomes an AbortSignal the probe engine passes to every command it runs. The engine is loaded on
 * the first request (probeRun.ts).
 */
import type { CancellationToken, Connection } from 'vscode-languageserver';
import {
  PROBE_PROGRESS_NOTIFICATION,
  REPORT_REQUEST,
  RUN_PROBES_REQUEST,
  type ProbeProgressParams,
  type ReportParams,
  type ReportResult,
  type RunProbesParams,
  type RunProbesResult,
} from '../protocol/lsp.js';
import type { ServerSettings } from './settings.js';
import { optionalString, probeRunOptions } from './probeOptions.js';

/** A signal that fires when the client cancels the request or the server shuts down. */
function abortOn(
  token: CancellationToken,
  lifetime: AbortSignal,
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  if (token.isCancellationRequested || lifetime.aborted) controller.abort();
  const subscription = token.onCancellationRequested(() => controller.abort());
  const onShutdown = () => controller.abort();
  lifetime.addEventListener('abort', onShutdown);
  return {
    signal: controller.signal,
    dispose: () => {
      subscription.dispose();
      lifetime.removeEventListener('abort', onShutdown);
    },
  };
}

export interface ServerLifetime {
  /** Throws InvalidRequest once the server received `shutdown` (LSP). */
  refuseAfterShutdown: () => void;
  /** Aborted at `shutdown`: runs in flight stop. */
  lifetime: AbortSignal;
  /** Every finished probe run (what it showed about the builder). */
  onReport?: (report: RunProbesResult) => void;
}

export function registerProbeRequests(
  connection: Connection,
  settings: () => ServerSettings,
  toolVersion: string,
  server: ServerLifetime,
): void {
  // Other clients may send no parameters at all: every field is checked (probeRunOptions).
  connection.onRequest(
    RUN_PROBES_REQUEST,
    async (params: RunProbesParams | undefined, token: CancellationToken): Promise<RunProbesResult> => {
      server.refuseAfterShutdown();
      const abort = abortOn(token, server.lifetime);
      const runId = optionalString(params?.runId) ?? '';
      try {
        const { runProbes } = await import('./probeRun.js');
        const report = await runProbes(probeRunOptions(params, settings(), abort.signal), (result, total) => {
          const progress: ProbeProgressParams = { runId, result, total };
          void connection.sendNotification(PROBE_PROGRESS_NOTIFICATION, progress).catch(() => undefined);
        });
        if (!abort.signal.aborted) server.onReport?.(report);
        return report;
      } finally {
        abort.dispose();
      }
    },
  );

  connection.onRequest(
    REPORT_REQUEST,
    async (params: ReportParams | undefined, token: CancellationToken): Promise<ReportResult> => {
      server.refuseAfterShutdown();
      const abort = abortOn(token, server.lifetime);
      try {
        const { runProbes, renderMarkdownReport } = await import('./probeRun.js');
        const report = await runProbes(probeRunOptions(params, settings(), abort.signal));
        if (!abort.signal.aborted) server.onReport?.(report);
        return { markdown: renderMarkdownReport(report, { toolVersion }) };
      } finally {
        abort.dispose();
      }
    },
  );
}
