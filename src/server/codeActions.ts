/**
 * Quick fixes: one CodeAction per Fix of each finding under the requested range. Edits are
 * versioned TextDocumentEdits, so a client refuses them if the text changed after they were
 * computed; and a request that names diagnostics of an older version gets no actions at all.
 */
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type Range,
} from 'vscode-languageserver';
import type { Finding } from '../protocol/findings.js';
import type { DocumentState, AnalyzedVersion } from './documents.js';
import { readDiagnosticData, toDiagnostic } from './diagnostics.js';

const before = (a: Range['start'], b: Range['start']): boolean =>
  a.line < b.line || (a.line === b.line && a.character < b.character);

const samePosition = (a: Range['start'], b: Range['start']): boolean =>
  a.line === b.line && a.character === b.character;
const sameRange = (a: Range, b: Range): boolean =>
  samePosition(a.start, b.start) && samePosition(a.end, b.end);

/** Ranges overlap or touch (a cursor at either end of a finding counts). */
export function rangesMeet(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

export function codeActionsFor(
  state: DocumentState & { analysis: AnalyzedVersion },
  params: CodeActionParams,
  docsBaseUrl: string,
): CodeAction[] {
  const { only } = params.context;
  if (only && !only.some((kind) => kind === CodeActionKind.QuickFix || kind === CodeActionKind.Empty))
    return [];
  const version = state.document.version;
  if (state.analysis.version !== version) return [];
  // A client that asks with diagnostics from an older version is looking at another text.
  const ours = params.context.diagnostics.map(readDiagnosticData).filter((d) => d !== undefined);
  if (ours.some((d) => d.version !== version)) return [];

  // Same version but re-analysed since (settings changed): an index is trusted only if it still
  // names the same finding; findings under the range are found by position below anyway.
  const wanted = new Set<number>();
  params.context.diagnostics.forEach((diagnostic) => {
    const data = readDiagnosticData(diagnostic);
    const finding = data && state.analysis.findings[data.index];
    if (finding && finding.code === diagnostic.code && sameRange(finding.range, diagnostic.range))
      wanted.add(data.index);
  });
  state.analysis.findings.forEach((finding, index) => {
    if (rangesMeet(finding.range, params.range)) wanted.add(index);
  });
  const actions: CodeAction[] = [];
  for (const index of [...wanted].sort((a, b) => a - b)) {
    const finding: Finding | undefined = state.analysis.findings[index];
    if (!finding) continue;
    const diagnostic: Diagnostic = toDiagnostic(
      finding,
      index,
      version,
      docsBaseUrl,
      params.textDocument.uri,
    );
    for (const fix of finding.fixes) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        isPreferred: fix.isPreferred,
        diagnostics: [diagnostic],
        edit: {
          documentChanges: [
            {
              textDocument: { uri: state.uri, version },
              edits: fix.edits.map((e) => ({ range: e.range, newText: e.newText })),
            },
          ],
        },
      });
    }
  }
  return actions;
}
