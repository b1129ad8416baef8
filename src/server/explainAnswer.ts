/**
 * The answer to the explain request, loaded on the first one (dist/server-explain.cjs, like
 * probeRun.ts): the explain corpus and engine are not needed to check .nix files.
 */
import type { ExplainParams, ExplainResult } from '../protocol/lsp.js';
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
