import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { evidenceMarkdown } from '../health/format.js';
import { probeFromArg } from './probeArg.js';

/** Row action "Show Evidence": the probe's commands, exit codes and full stderr in a Markdown document. */
export function showEvidence(ctx: Ctx): (arg: unknown) => Promise<vscode.TextDocument | undefined> {
  return async (arg) => {
    const result = probeFromArg(ctx, arg);
    if (!result) return undefined;
    const document = await vscode.workspace.openTextDocument({
      language: 'markdown',
      content: evidenceMarkdown(result),
    });
    await vscode.window.showTextDocument(document, { preview: true });
    return document;
  };
}
