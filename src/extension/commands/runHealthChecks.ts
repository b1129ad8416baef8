import * as vscode from 'vscode';
import type { ProbeReport } from '../../protocol/probes.js';
import type { Ctx } from '../ctx.js';
import type { Refused } from '../trust.js';

/** "Run Health Checks" (also the view's Re-run button): probes in the server, rows fill in as they finish. */
export function runHealthChecks(ctx: Ctx): () => Promise<ProbeReport | undefined | Refused> {
  return async () => {
    await vscode.commands.executeCommand(`${'linuxBuilderDoctor.health'}.focus`);
    return ctx.runProbes();
  };
}
