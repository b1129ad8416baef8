import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, hostEnv, labelOf } from './hostEnv.js';

interface Outcome {
  system: string;
  exitCode: number | undefined;
  error?: string;
}
type Node = { kind: string; outcome?: Outcome };
interface DoctorApi {
  ctx: { tree: { getChildren(node?: Node): Node[]; getTreeItem(node: Node): vscode.TreeItem } };
}

describe('"Test Linux Builder"', () => {
  const env = hostEnv();

  it('runs the bundled CLI test build in a terminal and reports the result in the view', async () => {
    const api = await vscode.extensions.getExtension<DoctorApi>(EXTENSION_ID)!.activate();
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
    const row = api.ctx.tree.getChildren().find((n) => n.kind === 'testBuild');
    assert.ok(row, 'the view shows the test build');
    assert.match(labelOf(api.ctx.tree.getTreeItem(row)), env.builderUp ? /passed/ : /failed/);
  });
});
