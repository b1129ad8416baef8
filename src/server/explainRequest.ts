/**
 * The explain request (src/protocol/lsp.ts): an error text → the problems it shows, with the same
 * engine as the CLI's `explain`; option errors get their definitions in the configuration paths
 * the client names (the check's findings, through the workspace layer). The engine is loaded on
 * the first request (explainAnswer.ts).
 */
import type { Connection } from 'vscode-languageserver';
import { EXPLAIN_REQUEST } from '../protocol/lsp.js';

export function registerExplainRequest(connection: Connection, refuseAfterShutdown: () => void): void {
  connection.onRequest(EXPLAIN_REQUEST, async (params) => {
    refuseAfterShutdown();
    const { explainRequest } = await import('./explainAnswer.js');
    return explainRequest(params);
  });
}
