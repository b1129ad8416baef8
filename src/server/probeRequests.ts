/**
 * The custom requests of src/protocol/lsp.ts: run the environment probes (streaming one
 * progress notification per result) and render the Markdown doctor report. LSP cancellation
 * becomes an AbortSignal the probe engine passes to every command it runs.
 */
import type { CancellationToken, Connection } from 'vscode-languageserver';
import {
  PROBE_PROGRESS_METHOD,
  REPORT_METHOD,
  RUN_PROBES_METHOD,
  type ProbeProgressParams,
  type ReportParams,
  type ReportResult,
  type RunProbesParams,
  type RunProbesResult,
} from '../protocol/lsp.js';
import { PROBE_IDS, type ProbeId } from '../protocol/probes.js';
import { runProbes, type ProbeRunOptions } from '../probes/engine.js';
import { renderMarkdownReport } from '../probes/markdownReport.js';
import type { ServerSettings } from './settings.js';

const optionalString = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const optionalTimeout = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined);

/** Request parameters override the settings; anything ill-typed from the client is ignored. */
export function probeRunOptions(params: Partial<RunProbesParams> | undefined, settings: ServerSettings, signal: AbortSignal): ProbeRunOptions {
  const options: ProbeRunOptions = { signal };
  const root = optionalString(params?.root) ?? settings.probeRoot;
  const timeoutMs = optionalTimeout(params?.timeoutMs) ?? settings.probeTimeoutMs;
  const builderHost = optionalString(params?.builderHost) ?? settings.builderHost;
  if (root !== undefined) options.root = root;
  if (timeoutMs !== undefined) options.timeoutMs = timeoutMs;
  if (builderHost !== undefined) options.builderHost = builderHost;
  if (Array.isArray(params?.only)) {
    const known = new Set<string>(PROBE_IDS);
    options.only = params.only.filter((id): id is ProbeId => typeof id === 'string' && known.has(id));
  }
  return options;
}

function abortOn(token: CancellationToken): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const subscription = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, dispose: () => subscription.dispose() };
}

export function registerProbeRequests(connection: Connection, settings: () => ServerSettings, toolVersion: string): void {
  connection.onRequest(RUN_PROBES_METHOD, async (params: RunProbesParams | undefined, token: CancellationToken): Promise<RunProbesResult> => {
    const abort = abortOn(token);
    const runId = optionalString(params?.runId) ?? '';
    try {
      return await runProbes(probeRunOptions(params, settings(), abort.signal), (result, total) => {
        const progress: ProbeProgressParams = { runId, result, total };
        void connection.sendNotification(PROBE_PROGRESS_METHOD, progress).catch(() => undefined);
      });
    } finally {
      abort.dispose();
    }
  });

  connection.onRequest(REPORT_METHOD, async (params: ReportParams | undefined, token: CancellationToken): Promise<ReportResult> => {
    const abort = abortOn(token);
    try {
      const report = await runProbes(probeRunOptions(params, settings(), abort.signal));
      return { markdown: renderMarkdownReport(report, { toolVersion }) };
    } finally {
      abort.dispose();
    }
  });
}
