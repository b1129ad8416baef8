import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  PROBE_PROGRESS_NOTIFICATION,
  RUN_PROBES_REQUEST,
  type ProbeProgressParams,
  type RunProbesParams,
} from '../protocol/lsp.js';
import type { ProbeReport } from '../protocol/probes.js';
import type { DoctorSettings } from './config.js';
import { nodeCommand } from './paths.js';

/** The CLI arguments that make it read the same system files the server was told to read. */
export function rootArgs(settings: DoctorSettings): string[] {
  if (!settings.probesRoot) return [];
  return ['--root', settings.probesRoot, ...(settings.probesTrustRoot ? ['--trust-root'] : [])];
}

export function probeParams(settings: DoctorSettings, runId: string): RunProbesParams {
  const params: RunProbesParams = { runId, timeoutMs: settings.probeTimeoutMs };
  if (settings.probesRoot) params.root = settings.probesRoot;
  if (settings.probesRoot && settings.probesTrustRoot) params.trustRoot = true;
  if (settings.builderHost) params.builderHost = settings.builderHost;
  return params;
}

/**
 * Runs the probes in the language server (so other editors get the same), reporting each result as
 * it arrives. The server is the one bundled with this extension, so it always has the request.
 */
export async function runProbesInServer(
  client: LanguageClient,
  settings: DoctorSettings,
  onResult: (p: ProbeProgressParams) => void,
  token: vscode.CancellationToken,
): Promise<ProbeReport> {
  const runId = randomUUID();
  const listener = client.onNotification(PROBE_PROGRESS_NOTIFICATION, (p) => {
    if (p.runId === runId) onResult(p);
  });
  try {
    return await client.sendRequest(RUN_PROBES_REQUEST, probeParams(settings, runId), token);
  } finally {
    listener.dispose();
  }
}

/** `linux-builder-doctor probe --format json` (exit 1 just means "not ok"; the JSON is the answer). */
export function runProbesWithCli(
  cli: string,
  settings: DoctorSettings,
  token: vscode.CancellationToken,
): Promise<ProbeReport> {
  const node = nodeCommand(settings.serverEnv);
  const argv = [
    cli,
    'probe',
    '--format',
    'json',
    '--timeout-ms',
    String(settings.probeTimeoutMs),
    ...rootArgs(settings),
  ];
  return new Promise((resolve, reject) => {
    const child = execFile(
      node.executable,
      argv,
      { env: { ...process.env, ...node.env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        try {
          resolve(JSON.parse(stdout) as ProbeReport);
        } catch {
          reject(new Error(`probe CLI failed (${error?.message ?? 'no JSON'}): ${stderr.trim()}`));
        }
      },
    );
    token.onCancellationRequested(() => child.kill());
  });
}
