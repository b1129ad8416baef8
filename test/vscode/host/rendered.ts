import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { pollUntil } from './hostEnv.js';

const DOC_SCHEME = 'linux-builder-doctor';

function allTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs);
}

/** The Markdown preview tab showing `name` (the built-in preview is a webview editor). */
function previewTab(name: string): vscode.Tab | undefined {
  return allTabs().find(
    (t) =>
      t.input instanceof vscode.TabInputWebview &&
      t.input.viewType.includes('markdown.preview') &&
      t.label.includes(name),
  );
}

/** The dirty documents before a command runs, to tell its leftovers from other tests'. */
export function dirtyDocuments(): Set<string> {
  return new Set(vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.toString()));
}

/**
 * Our document is read-only and rendered: never dirty or untitled, shown as a Markdown preview,
 * and closing the preview tab asks nothing (tabGroups.close would wait on a save prompt otherwise).
 */
export async function assertRenderedAndClosable(
  document: vscode.TextDocument,
  name: string,
  before: ReadonlySet<string>,
): Promise<void> {
  assert.equal(document.uri.scheme, DOC_SCHEME, document.uri.toString());
  assert.equal(document.languageId, 'markdown');
  assert.equal(document.isUntitled, false, 'not an untitled document');
  assert.equal(document.isDirty, false, 'nothing to save');
  const tab = await pollUntil(`a Markdown preview tab for ${name}`, 20_000, () => previewTab(name));
  assert.equal(tab.isDirty, false);
  const closed = await vscode.window.tabGroups.close(tab);
  assert.equal(closed, true, 'the preview tab closed without a prompt');
  assert.equal(previewTab(name), undefined);
  // Ours only: other tests of the session may leave an untitled buffer of their own, and a
  // settings write of another test (the user's settings.json) is briefly dirty while it saves.
  // What a command of ours could leave is one of our documents or a new untitled one.
  assert.deepEqual(
    vscode.workspace.textDocuments
      .filter((d) => d.isDirty && (d.uri.scheme === DOC_SCHEME || d.isUntitled))
      .map((d) => d.uri.toString())
      .filter((u) => u.startsWith(`${DOC_SCHEME}:`) || !before.has(u)),
    [],
    'the command left no document to save',
  );
}
