/**
 * Code actions, by the conventions of ESLint and rust-analyzer:
 * - quick fixes: one per Fix of each finding under the requested range;
 * - "Disable rule ‹id›" and "Show documentation for ‹id›", once per rule under the range, carrying
 *   a command the client runs (the VS Code extension writes the setting / opens the rendered page);
 *   clients that declare no such command get "Show documentation" through the server when they can
 *   show documents (window/showDocument), and no "Disable rule" (the server cannot write their settings);
 * - `source.fixAll.linuxBuilderDoctor` (asked for with `only`, e.g. on save): every preferred fix
 *   that is safe together (rules/fixAll.ts), as one edit.
 * Edits are versioned TextDocumentEdits, so a client refuses them if the text changed after they were
 * computed; and a request that names diagnostics of an older version gets no actions at all.
 */
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Command,
  type Diagnostic,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { Finding } from '../protocol/findings.js';
import {
  DISABLE_RULE_COMMAND,
  FIX_ALL_KIND,
  OPEN_RULE_PAGE_SERVER_COMMAND,
  SHOW_RULE_DOCUMENTATION_COMMAND,
} from '../protocol/lsp.js';
import { fixAll, singleEdit } from '../rules/fixAll.js';
import type { DocumentState, AnalyzedVersion } from './documents.js';
import { DISK_VERSION, readDiagnosticData, toDiagnostic } from './diagnostics.js';

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

/** Whether an action of `kind` is among the kinds `only` asks for (LSP kinds are dotted hierarchies). */
export function kindWanted(only: readonly string[] | undefined, kind: string): boolean {
  return (
    only === undefined ||
    only.some((asked) => asked === CodeActionKind.Empty || kind === asked || kind.startsWith(`${asked}.`))
  );
}

export interface CodeActionOptions {
  docsBaseUrl: string;
  /** Commands the client runs itself (`initializationOptions.clientCommands`). */
  clientCommands: ReadonlySet<string>;
  /** The client can open a document the server names (window/showDocument). */
  showDocument: boolean;
  /** The findings of another text of this document, with the same settings and configuration. */
  analyze: (text: string) => readonly Finding[];
}

export function codeActionsFor(
  state: DocumentState & { analysis: AnalyzedVersion },
  params: CodeActionParams,
  options: CodeActionOptions,
): CodeAction[] {
  const only = params.context.only;
  const version = state.document.version;
  if (state.analysis.version !== version) return [];
  // A client that asks with diagnostics from an older version is looking at another text: no quick
  // fixes for what it shows. Fix all does not depend on them (it fixes the current text, versioned):
  // a save right after typing sends the older diagnostics, and must still be fixed.
  const ours = params.context.diagnostics.map(readDiagnosticData).filter((d) => d !== undefined);
  // (Diagnostics of the file as read from disk, published before the editor opened it, name no
  // version: fixes are then found by position in the current analysis, as without diagnostics.)
  const stale = ours.some((d) => d.version !== version && d.version !== DISK_VERSION);

  const actions: CodeAction[] = [];
  if (!stale && kindWanted(only, CodeActionKind.QuickFix))
    actions.push(...quickFixes(state, params, options));
  // Source actions only when asked for by kind: editors list them in their own menu (and on save).
  if (only !== undefined && kindWanted(only, FIX_ALL_KIND)) {
    const action = fixAllAction(state, options);
    if (action) actions.push(action);
  }
  return actions;
}

function quickFixes(
  state: DocumentState & { analysis: AnalyzedVersion },
  params: CodeActionParams,
  options: CodeActionOptions,
): CodeAction[] {
  const version = state.document.version;
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
  /** Each rule under the range, with its diagnostics, for the per-rule actions after the fixes. */
  const byRule = new Map<string, Diagnostic[]>();
  for (const index of [...wanted].sort((a, b) => a - b)) {
    const finding: Finding | undefined = state.analysis.findings[index];
    if (!finding) continue;
    const diagnostic: Diagnostic = toDiagnostic(
      finding,
      index,
      version,
      options.docsBaseUrl,
      params.textDocument.uri,
    );
    const list = byRule.get(finding.code);
    if (list) list.push(diagnostic);
    else byRule.set(finding.code, [diagnostic]);
    for (const fix of finding.fixes) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        isPreferred: fix.isPreferred,
        diagnostics: [diagnostic],
        edit: versionedEdit(state, fix.edits),
      });
    }
  }
  for (const [rule, diagnostics] of byRule) {
    const disable = commandFor(options, DISABLE_RULE_COMMAND, `Disable rule ${rule}`, rule);
    if (disable)
      actions.push({ title: disable.title, kind: CodeActionKind.QuickFix, diagnostics, command: disable });
    const docs =
      commandFor(options, SHOW_RULE_DOCUMENTATION_COMMAND, `Show documentation for ${rule}`, rule) ??
      (options.showDocument
        ? {
            title: `Show documentation for ${rule}`,
            command: OPEN_RULE_PAGE_SERVER_COMMAND,
            arguments: [rule],
          }
        : undefined);
    if (docs) actions.push({ title: docs.title, kind: CodeActionKind.QuickFix, diagnostics, command: docs });
  }
  return actions;
}

function commandFor(
  options: CodeActionOptions,
  command: string,
  title: string,
  rule: string,
): Command | undefined {
  return options.clientCommands.has(command) ? { title, command, arguments: [rule] } : undefined;
}

function versionedEdit(state: DocumentState, edits: readonly TextEdit[]): WorkspaceEdit {
  return {
    documentChanges: [
      {
        textDocument: { uri: state.uri, version: state.document.version },
        edits: edits.map((e) => ({ range: e.range, newText: e.newText })),
      },
    ],
  };
}

/** "Fix all": none when nothing applies (an editor then shows nothing and saves unchanged). */
function fixAllAction(
  state: DocumentState & { analysis: AnalyzedVersion },
  options: CodeActionOptions,
): CodeAction | undefined {
  const text = state.document.getText();
  const findings = state.analysis.findings;
  const result = fixAll(text, findings, options.analyze);
  if (result.applied.length === 0) return undefined;
  // One pass: its own edits (the editor keeps the cursor and folds in place); more passes: the
  // changed span as one edit, as later passes' edits are in the coordinates of the text before them.
  const first = result.firstPass;
  const edits = result.text === first.text ? first.edits : [singleEdit(text, result.text)];
  const count = result.applied.length;
  return {
    title: `Fix all Linux Builder Doctor problems (${count} fix${count === 1 ? '' : 'es'})`,
    kind: FIX_ALL_KIND,
    edit: versionedEdit(
      state,
      edits.filter((e): e is TextEdit => e !== undefined),
    ),
  };
}
