/**
 * The explain request (src/protocol/lsp.ts): an error text → the problems it shows, with the same
 * engine as the CLI's `explain`; option errors get their definitions in the configuration paths
 * the client names (the check's findings, through the workspace layer).
 */
import type { Connection } from 'vscode-languageserver';
import { EXPLAIN_REQUEST, type ExplainParams, type ExplainResult } from '../protocol/lsp.js';
import { explainText } from '../probes/explain/engine.js';
import { attachDefinitions } from '../workspace/explainDefinitions.js';
import { nodeFs } from '../workspace/fileSystem.js';

/** A pasted log can be big; the engine streams, but a request holds the whole text: bound it. */
const MAX_TEXT = 16 * 1024 * 1024;

export function explainRequest(params: ExplainParams): ExplainResult {
  const text = typeof params.text === 'string' ? params.text.slice(0, MAX_TEXT) : '';
  const { problems } = explainText(text);
  const paths = Array.isArray(params.configPaths)
    ? params.configPaths.filter((p): p is string => typeof p === 'string')
    : [];
  return { problems: attachDefinitions(problems, paths, nodeFs).problems };
}

export function registerExplainRequest(connection: Connection, refuseAfterShutdown: () => void): void {
  connection.onRequest(EXPLAIN_REQUEST, (params) => {
    refuseAfterShutdown();
    return explainRequest(params);
  });
}
