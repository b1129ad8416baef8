import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { explain } from '../explain/request.js';
import { showExplanation, type Shown } from '../explain/show.js';

/**
 * "Explain Error Text": the selection in the active editor, or else the clipboard (copy a terminal's
 * or a CI page's error first), explained like the CLI's `explain`.
 */
export function explainErrorText(ctx: Ctx): () => Promise<Shown | undefined> {
  return async () => {
    const editor = vscode.window.activeTextEditor;
    const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
    const text = selected.trim() !== '' ? selected : await vscode.env.clipboard.readText();
    if (text.trim() === '') {
      void vscode.window.showInformationMessage(
        'Linux Builder Doctor: select an error text or copy it to the clipboard, then run "Explain Error Text" again.',
      );
      return undefined;
    }
    return showExplanation(ctx.documents, await explain(ctx, text));
  };
}
