import * as vscode from 'vscode';
import { EXPLAIN_LINK_LINE } from '../../protocol/lsp.js';
import type { Ctx } from '../ctx.js';
import { explain } from './request.js';
import { showExplanation, type Shown } from './show.js';
import { errorText } from '../../protocol/errorText.js';

export interface ExplainLink extends vscode.TerminalLink {
  /** The whole terminal line, what the engine explains. */
  line: string;
}

/**
 * Makes recognisable error lines in any integrated terminal clickable (`cannot build on …`,
 * `Host key verification failed.`, option errors, …); a click explains the line with the
 * language server's engine and shows the cause and fix.
 */
export class ExplainLinkProvider implements vscode.TerminalLinkProvider<ExplainLink> {
  constructor(private readonly ctx: Ctx) {}

  provideTerminalLinks(context: vscode.TerminalLinkContext): ExplainLink[] {
    const match = EXPLAIN_LINK_LINE.exec(context.line);
    if (!match) return [];
    // The link spans the line from the first non-blank character: the whole error is the target.
    const start = context.line.search(/\S/);
    const text = context.line.trimEnd();
    return [
      {
        startIndex: start,
        length: text.length - start,
        tooltip: 'Explain with Linux Builder Doctor',
        line: text.slice(start),
      },
    ];
  }

  async handleTerminalLink(link: ExplainLink): Promise<void> {
    await this.explainLink(link);
  }

  /** What a click does, with what it showed (for the extension-host tests). */
  async explainLink(link: ExplainLink): Promise<Shown | undefined> {
    try {
      return showExplanation(this.ctx.documents, await explain(this.ctx, link.line));
    } catch (error) {
      this.ctx.log.error(`explain failed: ${errorText(error)}`);
      void vscode.window
        .showErrorMessage('Linux Builder Doctor: could not explain this line.', 'Show Logs')
        .then((c) => {
          if (c) this.ctx.log.show();
        });
      return undefined;
    }
  }
}
