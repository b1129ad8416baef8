import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { showRendered } from '../documents/provider.js';
import { refuseUntrusted, type Refused } from '../trust.js';

export const REPORT_PATH = '/doctor-report.md';

/**
 * "Open Doctor Report": the redacted report, rendered and read-only (closing it asks nothing);
 * "Copy Report to Clipboard" copies its Markdown for a bug report.
 */
export function openReport(ctx: Ctx): () => Promise<vscode.TextDocument | Refused> {
  return async () => {
    const refused = refuseUntrusted('The doctor report');
    if (refused) return refused;
    const markdown = await collect(ctx);
    return showRendered(ctx.documents.set(REPORT_PATH, markdown));
  };
}

/** "Copy Report to Clipboard": the open report's text, or a freshly collected one. */
export function copyReport(ctx: Ctx): () => Promise<string | Refused> {
  return async () => {
    let markdown = ctx.documents.get(REPORT_PATH);
    if (markdown === undefined) {
      const refused = refuseUntrusted('The doctor report');
      if (refused) return refused;
      markdown = await collect(ctx);
      ctx.documents.set(REPORT_PATH, markdown);
    }
    await vscode.env.clipboard.writeText(markdown);
    void vscode.window.setStatusBarMessage('Linux Builder Doctor: report copied', 3000);
    return markdown;
  };
}

function collect(ctx: Ctx): Thenable<string> {
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: 'Linux Builder Doctor: collecting the report…',
    },
    () => ctx.reportMarkdown(),
  );
}
