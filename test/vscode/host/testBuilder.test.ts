import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, hostEnv, labelOf } from './hostEnv.js';
import { assertRenderedAndClosable, dirtyDocuments } from './rendered.js';

interface Outcome {
  system: string;
  exitCode: number | undefined;
  error?: string;
  cause?: string;
  fix?: { summary: string };
}
type Node = { kind: string; outcome?: Outcome };
interface DoctorApi {
  ctx: {
    tree: { getChildren(node?: Node): Node[]; getTreeItem(node: Node): vscode.TreeItem };
    reportBuilderStatus(status: { works: boolean; source: string }): Promise<void>;
  };
}

describe('"Test Linux Builder"', () => {
  const env = hostEnv();

  it('runs the bundled CLI test build in a terminal and reports the result in the view and to the server', async () => {
    const api = await vscode.extensions.getExtension<DoctorApi>(EXTENSION_ID)!.activate();
    // What the build shows reaches the language server: a build that worked quiets config-needs-bootstrap.
    const folder = vscode.workspace.workspaceFolders![0]!;
    const bootstrap = vscode.Uri.joinPath(folder.uri, 'after-test-build.nix');
    await vscode.workspace.fs.writeFile(
      bootstrap,
      Buffer.from(
        '{\n  nix.linux-builder = {\n    enable = true;\n    config.virtualisation.cores = 6;\n  };\n}\n',
      ),
    );
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(bootstrap));
    const hinted = (): boolean =>
      vscode.languages
        .getDiagnostics(bootstrap)
        .some(
          (d) =>
            d.source === 'linux-builder-doctor' &&
            String(typeof d.code === 'object' ? d.code.value : d.code) === 'config-needs-bootstrap',
        );
    const settled = async (want: boolean): Promise<boolean> => {
      const deadline = Date.now() + 30_000;
      while (hinted() !== want && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      return hinted() === want;
    };
    // The view's health checks may have shown the builder works already: start from "not known to work".
    await api.ctx.reportBuilderStatus({ works: false, source: 'test-build' });
    assert.ok(await settled(true), 'the hint is shown before the build');

    const outcome = await vscode.commands.executeCommand<Outcome>('linuxBuilderDoctor.testBuilder');
    assert.ok(
      vscode.window.terminals.some((t) => t.name === 'Test Linux Builder'),
      'a "Test Linux Builder" terminal is open',
    );
    assert.equal(outcome.system, env.system);
    if (env.builderUp) assert.equal(outcome.exitCode, 0, 'the build succeeded on the loopback builder');
    else
      assert.notEqual(
        outcome.exitCode,
        0,
        `a build against a builder that is down fails (got ${JSON.stringify(outcome)})`,
      );
    assert.ok(
      await settled(!env.builderUp),
      env.builderUp ? 'the hint went once the build worked' : 'the hint stays after a failed build',
    );
    const row = api.ctx.tree.getChildren().find((n) => n.kind === 'testBuild');
    assert.ok(row, 'the view shows the test build');
    assert.match(labelOf(api.ctx.tree.getTreeItem(row)), env.builderUp ? /passed/ : /failed/);
  });

  it('after a failed build, "Show Fix" shows its cause and fix (rendered, read-only)', async function () {
    const dirtyBefore = dirtyDocuments();
    if (env.builderUp) {
      const none = await vscode.commands.executeCommand('linuxBuilderDoctor.showTestBuildFix');
      assert.equal(none, undefined, 'nothing to fix after a build that passed');
      return;
    }
    const api = await vscode.extensions
      .getExtension<{ ctx: { model: { testBuild?: Outcome } } }>(EXTENSION_ID)!
      .activate();
    const outcome = api.ctx.model.testBuild;
    // The CLI names the root cause of a build against a builder that is down (its probes run after it).
    assert.ok(outcome?.cause && outcome.cause !== 'unknown', `a cause: ${JSON.stringify(outcome)}`);
    assert.ok(outcome.fix, 'and its fix');
    const document = await vscode.commands.executeCommand<vscode.TextDocument>(
      'linuxBuilderDoctor.showTestBuildFix',
    );
    assert.ok(document.getText().includes(outcome.cause), document.getText());
    assert.ok(document.getText().includes(outcome.fix.summary.slice(0, 40)));
    assert.ok(document.getText().includes('## Fix'));
    await assertRenderedAndClosable(document, 'test-build.md', dirtyBefore);
  });
});
