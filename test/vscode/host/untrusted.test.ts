import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './hostEnv.js';
import { itemAt } from '../../util/itemAt.js';

// Runs only in the session started WITHOUT --disable-workspace-trust (run.ts), where the
// fixture workspace opens in Restricted Mode.
describe('untrusted workspace', () => {
  it('runs no probes, no test build and no report, but still checks .nix files', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'this session must be untrusted');
    const extension = vscode.extensions.getExtension<{
      ctx: { model: { report: unknown; running: boolean; testBuild: unknown } };
    }>(EXTENSION_ID);
    assert.ok(extension);
    const api = await extension.activate();
    for (const id of [
      'linuxBuilderDoctor.runHealthChecks',
      'linuxBuilderDoctor.testBuilder',
      'linuxBuilderDoctor.openReport',
      'linuxBuilderDoctor.runAdminChecks',
    ]) {
      const answer = await vscode.commands.executeCommand<unknown>(id);
      assert.deepEqual(answer, { refused: 'untrusted' }, `${id} refused`);
    }
    assert.equal(api.ctx.model.report, undefined);
    assert.equal(api.ctx.model.running, false);
    assert.equal(api.ctx.model.testBuild, undefined);
    assert.ok(
      !vscode.window.terminals.some((t) => t.name === 'Test Linux Builder'),
      'no test-build terminal',
    );
    const file = itemAt(await vscode.workspace.findFiles('**/darwin-configuration.nix'), 0);
    const document = await vscode.workspace.openTextDocument(file);
    const deadline = Date.now() + 30_000;
    while (!vscode.languages.getDiagnostics(document.uri).some((d) => d.source === 'linux-builder-doctor')) {
      if (Date.now() > deadline) assert.fail('no diagnostics in the untrusted workspace');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});
