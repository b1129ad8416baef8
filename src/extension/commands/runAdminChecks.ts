import * as vscode from 'vscode';
import type { ProbeReport } from '../../protocol/probes.js';
import { readSettings } from '../config.js';
import type { Ctx } from '../ctx.js';
import { nodeCommand } from '../paths.js';
import { rootArgs } from '../probes.js';
import { startAdminRun } from '../terminal/adminRun.js';
import { refuseUntrusted, type Refused } from '../trust.js';

/**
 * "Run Admin Checks in Terminal" (offered on needs-admin rows): the nix-daemon connects as root, so
 * some checks (root's ssh config, the 0600 builder key) only tell the truth under sudo. The CLI
 * runs under sudo in a visible terminal; its JSON report is merged into the view.
 */
export function runAdminChecks(ctx: Ctx): () => Promise<ProbeReport | undefined | Refused> {
  return async () => {
    const refused = refuseUntrusted('Admin checks');
    if (refused) return refused;
    const settings = readSettings();
    const node = nodeCommand(settings.serverEnv);
    const envPairs = Object.entries(node.env).map(([k, v]) => `${k}=${v}`);
    // Unredacted like the view it merges into: local results whose fixes name real paths (docs/dev/security.md#secrets-in-the-report).
    const run = await startAdminRun([
      ...envPairs,
      node.executable,
      ctx.paths.cli,
      'probe',
      '--format',
      'json',
      '--no-redact',
      '--timeout-ms',
      String(settings.probeTimeoutMs),
      ...rootArgs(settings),
    ]);
    const text = await run.output;
    if (text === undefined) return undefined;
    try {
      const report = JSON.parse(text) as ProbeReport;
      ctx.model.mergeAdmin(report);
      ctx.log.info(`admin checks: ${report.verdict.cause}`);
      await ctx.updateContext();
      return report;
    } catch {
      ctx.log.error(`admin checks produced no report: ${text.slice(0, 500)}`);
      void vscode.window
        .showErrorMessage(
          'The admin checks produced no report (was the sudo password refused?).',
          'Show Logs',
        )
        .then((c) => {
          if (c) ctx.log.show();
        });
      return undefined;
    }
  };
}
