/**
 * The whole configuration in Problems (issue 9 item 5), in the real workbench: with a flake folder in
 * the workspace and only its flake.nix shown, the findings of its other modules are listed too (what
 * the Problems panel shows is vscode.languages.getDiagnostics), the same the CLI's `check` finds.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, pollUntil } from './hostEnv.js';

interface CliFinding {
  file: string;
  range: { start: { line: number } };
  code: string;
}

/** "<file relative to the flake>:<line> <rule>" for each finding, sorted. */
type Listing = string[];

describe('the whole configuration in Problems', () => {
  it('with only flake.nix open, Problems lists the findings of the modules nobody opened, as `check` does', async () => {
    const extension = vscode.extensions.getExtension<{ serverReady: Promise<void> }>(EXTENSION_ID)!;
    await (
      await extension.activate()
    ).serverReady;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const flake = join(folder, 'corporate-mac');
    await vscode.window.showTextDocument(vscode.Uri.file(join(flake, 'flake.nix')));

    // What the bundled CLI finds in the same folder (the extension host's runtime runs it as Node).
    const run = spawnSync(
      process.execPath,
      [join(extension.extensionPath, 'dist', 'cli.cjs'), 'check', '--format', 'json', flake],
      { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 60_000 },
    );
    const found = JSON.parse(run.stdout) as CliFinding[];
    // config-needs-bootstrap depends on whether the builder is known to work (the server is told).
    const expected: Listing = found
      .filter((f) => !f.file.endsWith('flake.nix') && f.code !== 'config-needs-bootstrap')
      .map((f) => `${relative(flake, f.file)}:${f.range.start.line + 1} ${f.code}`)
      .sort();
    const modules = [...new Set(found.map((f) => f.file).filter((f) => !f.endsWith('flake.nix')))];
    assert.ok(
      modules.length >= 1 && expected.length >= 3,
      `the fixture has findings in modules: ${run.stdout}`,
    );

    const listed = (): Listing =>
      modules
        .flatMap((file) =>
          vscode.languages
            .getDiagnostics(vscode.Uri.file(file))
            .filter((d) => d.source === 'linux-builder-doctor')
            .map((d) => ({
              file,
              line: d.range.start.line + 1,
              code: typeof d.code === 'object' ? d.code.value : d.code,
            })),
        )
        .filter((d) => d.code !== 'config-needs-bootstrap')
        .map((d) => `${relative(flake, d.file)}:${d.line} ${String(d.code)}`)
        .sort();
    await pollUntil(`Problems to list ${expected.join(', ')}`, 60_000, () =>
      JSON.stringify(listed()) === JSON.stringify(expected) ? true : undefined,
    ).catch((error: unknown) => {
      assert.deepEqual(listed(), expected, String(error));
    });
    for (const file of modules)
      assert.ok(
        !vscode.workspace.textDocuments.some((d) => d.uri.fsPath === file),
        `${relative(flake, file)} was never opened`,
      );
  });
});
