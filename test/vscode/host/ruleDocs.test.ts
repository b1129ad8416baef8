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

  it("a diagnostic's rule link runs Show Documentation, which renders the packaged page", async () => {
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
    // The link Problems shows: a command URI (Problems opens code links with commands allowed).
    assert.equal(code.target.scheme, 'command', code.target.toString());
    assert.equal(code.target.path, 'linuxBuilderDoctor.showRuleDocumentation');
    const args = JSON.parse(code.target.query) as unknown[];
    assert.deepEqual(args, ['ssh-options']);
    const document = await vscode.commands.executeCommand<vscode.TextDocument>(code.target.path, ...args);
    assert.ok(document, 'a page');
    assert.match(document.getText(), /^# /m, 'the Markdown of docs/rules/ssh-options.md');
    assert.ok(document.getText().includes('sshOptions'));
    await assertRenderedAndClosable(document, 'ssh-options.md', dirtyBefore);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
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
