import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, pollUntil } from './hostEnv.js';
import { assertRenderedAndClosable, dirtyDocuments } from './rendered.js';
import { itemAt } from '../../util/itemAt.js';

/**
 * Rule pages (issue 9 item 2): the code link of a diagnostic in Problems and "Show documentation"
 * open the packaged page rendered inside VS Code, offline, read-only.
 */
describe('rule documentation', () => {
  before(async () => {
    const api = await vscode.extensions
      .getExtension<{ serverReady: Promise<void> }>(EXTENSION_ID)!
      .activate();
    await api.serverReady;
  });

  it("a diagnostic's rule link opens the packaged page rendered", async () => {
    const dirtyBefore = dirtyDocuments();
    const folder = itemAt(vscode.workspace.workspaceFolders, 0).uri.fsPath;
    const uri = vscode.Uri.file(join(folder, 'darwin-configuration.nix'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const diagnostic = await pollUntil('the ssh-options diagnostic', 60_000, () =>
      vscode.languages
        .getDiagnostics(uri)
        .find((d) => typeof d.code === 'object' && d.code.value === 'ssh-options'),
    );
    const code = diagnostic.code as { value: string; target: vscode.Uri };
    // Not a command URI: the diagnostic hover and F8 open code links without command permission.
    assert.equal(code.target.scheme, 'linux-builder-doctor', code.target.toString());
    assert.equal(code.target.path, '/rules/ssh-options.md');
    // What a click does: the opener opens a URI of our scheme as a text editor, which is swapped for
    // the rendered page (test/vscode/ui.ts clicks the real links in Problems and the hover).
    await vscode.commands.executeCommand('vscode.open', code.target);
    const document = await pollUntil('the rule page', 20_000, () =>
      vscode.workspace.textDocuments.find(
        (d) =>
          d.uri.scheme === 'linux-builder-doctor' && d.uri.path === '/rules/ssh-options.md' && !d.uri.query,
      ),
    );
    assert.match(document.getText(), /^# /m, 'the Markdown of docs/rules/ssh-options.md');
    assert.ok(document.getText().includes('sshOptions'));
    await pollUntil('the link opened as text to be closed', 20_000, () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .every(
          (t) => !(t.input instanceof vscode.TabInputText && t.input.uri.scheme === 'linux-builder-doctor'),
        )
        ? true
        : undefined,
    );
    await assertRenderedAndClosable(document, 'ssh-options.md', dirtyBefore);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the hover links the rule to Show Documentation, a command the hover is trusted to run', async () => {
    const folder = itemAt(vscode.workspace.workspaceFolders, 0).uri.fsPath;
    const uri = vscode.Uri.file(join(folder, 'darwin-configuration.nix'));
    const diagnostic = await pollUntil('the ssh-options diagnostic', 60_000, () =>
      vscode.languages
        .getDiagnostics(uri)
        .find((d) => typeof d.code === 'object' && d.code.value === 'ssh-options'),
    );
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      uri,
      diagnostic.range.start,
    );
    const contents = hovers.flatMap((h) => h.contents);
    const link = contents.find(
      (c): c is vscode.MarkdownString =>
        c instanceof vscode.MarkdownString &&
        c.value.includes('command:linuxBuilderDoctor.showRuleDocumentation'),
    );
    assert.ok(link, contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n---\n'));
    const target = /\[ssh-options\]\((command:[^ )]+)/.exec(link.value)?.[1];
    assert.ok(target, link.value);
    const command = vscode.Uri.parse(target);
    assert.deepEqual(JSON.parse(decodeURIComponent(command.query)), ['ssh-options']);
  });

  it('refuses a rule id that could leave docs/rules/', async () => {
    for (const id of ['../../package', 'ssh-options/../../x', 'no-such-rule'])
      assert.equal(
        await vscode.commands.executeCommand('linuxBuilderDoctor.showRuleDocumentation', id),
        undefined,
        id,
      );
  });
});
