import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { refuseUntrusted, type Refused } from '../trust.js';

/** "Open Doctor Report": an untitled Markdown document, ready to paste into a bug report. */
export function openReport(ctx: Ctx): () => Promise<vscode.TextDocument | Refused> {
  return async () => {
    const refused = refuseUntrusted('The doctor report');
    if (refused) return refused;
    const markdown = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: 'Linux Builder Doctor: collecting the report…',
      },
      () => ctx.reportMarkdown(),
    );
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
    await vscode.window.showTextDocument(document);
    return document;
  };
}
