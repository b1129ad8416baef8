/**
 * Code actions by VS Code's conventions, round trip in the real workbench: "Disable rule" writes the
 * setting where the user chose and the diagnostics follow; "Show documentation" opens the rule page
 * rendered and never dirty; source.fixAll runs on save (`editor.codeActionsOnSave`); and what the
 * extension tells the server about the builder turns the config-needs-bootstrap hint off and on.
 */
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, pollUntil } from './hostEnv.js';
import { assertRenderedAndClosable, dirtyDocuments } from './rendered.js';

const ours = (uri: vscode.Uri): vscode.Diagnostic[] =>
  vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'linux-builder-doctor');
const codeOf = (d: vscode.Diagnostic): string =>
  typeof d.code === 'object' ? String(d.code.value) : String(d.code);
const has = (uri: vscode.Uri, code: string): boolean => ours(uri).some((d) => codeOf(d) === code);

/** A new file in the workspace folder, opened in an editor. */
async function openNew(name: string, text: string): Promise<vscode.TextDocument> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder);
  const path = join(folder.uri.fsPath, name);
  writeFileSync(path, text);
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
  await vscode.window.showTextDocument(document);
  return document;
}

interface DoctorCtx {
  reportBuilderStatus(status: { works: boolean; source: string }): Promise<void>;
  runProbes(): Promise<{ verdict: { cause: string } } | undefined> | { refused: string };
  stopClient(): Promise<void>;
  startClient(): Promise<void>;
}
const doctor = (): { ctx: DoctorCtx } =>
  vscode.extensions.getExtension<{ ctx: DoctorCtx }>(EXTENSION_ID)!.exports;

const BOOTSTRAP =
  '{\n  nix.linux-builder = {\n    enable = true;\n    config.virtualisation.cores = 6;\n  };\n}\n';

const SSH_OPTIONS = `{\n  nix.linux-builder = {\n    enable = true;\n    config.sshOptions = [ "-p" "31022" ];\n  };\n}\n`;

/** A new document with the ssh-options finding, and the quick fixes offered on it. */
async function sshOptionsQuickFixes(
  name: string,
): Promise<{ document: vscode.TextDocument; actions: vscode.CodeAction[] }> {
  const document = await openNew(name, SSH_OPTIONS);
  const diagnostic = await pollUntil('ssh-options', 30_000, () =>
    ours(document.uri).find((d) => codeOf(d) === 'ssh-options'),
  );
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    document.uri,
    diagnostic.range,
    vscode.CodeActionKind.QuickFix.value,
  );
  return { document, actions };
}

describe('code actions by convention', () => {
  before(async () => {
    await vscode.extensions.getExtension<{ serverReady: Promise<void> }>(EXTENSION_ID)!.activate();
  });

  it('"Disable rule" asks where, writes rules.disabled in the workspace, and the rule\'s diagnostics go', async () => {
    const { document, actions } = await sshOptionsQuickFixes('disable.nix');
    const disable = actions.find((a) => a.title === 'Disable rule ssh-options');
    assert.ok(disable?.command, actions.map((a) => a.title).join(' | '));
    assert.deepEqual(disable.command.arguments, ['ssh-options']);
    let settled = false;
    const running = Promise.resolve(
      vscode.commands.executeCommand<vscode.ConfigurationTarget | undefined>(
        disable.command.command,
        ...(disable.command.arguments as unknown[]),
      ),
    ).finally(() => {
      settled = true;
    });
    // The question "Where?": the first choice, This Workspace, accepted as a user does with Enter.
    await pollUntil('the choice to be accepted', 20_000, async () => {
      if (!settled) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return settled || undefined;
    });
    assert.equal(await running, vscode.ConfigurationTarget.Workspace);
    const config = vscode.workspace.getConfiguration('linuxBuilderDoctor');
    assert.deepEqual(config.inspect<string[]>('rules.disabled')?.workspaceValue, ['ssh-options']);
    await pollUntil('ssh-options to go', 30_000, () => !has(document.uri, 'ssh-options') || undefined);
    await config.update('rules.disabled', undefined, vscode.ConfigurationTarget.Workspace);
    await pollUntil('ssh-options to come back', 30_000, () => has(document.uri, 'ssh-options') || undefined);
  });

  it('"Disable rule" for this workspace starts from the user\'s list (lists are not merged); for the user it adds to a workspace list too', async () => {
    const config = (): vscode.WorkspaceConfiguration =>
      vscode.workspace.getConfiguration('linuxBuilderDoctor');
    const lists = (): [string[] | undefined, string[] | undefined] => {
      const values = config().inspect<string[]>('rules.disabled');
      return [values?.globalValue, values?.workspaceValue];
    };
    await config().update('rules.disabled', ['host-name-has-scheme'], vscode.ConfigurationTarget.Global);
    try {
      // The second argument answers "Where?" (as another extension or a keybinding may).
      const first = await vscode.commands.executeCommand(
        'linuxBuilderDoctor.disableRule',
        'ssh-options',
        'workspace',
      );
      assert.equal(first, vscode.ConfigurationTarget.Workspace);
      assert.deepEqual(lists(), [['host-name-has-scheme'], ['host-name-has-scheme', 'ssh-options']]);
      const second = await vscode.commands.executeCommand(
        'linuxBuilderDoctor.disableRule',
        'unknown-option',
        'user',
      );
      assert.equal(second, vscode.ConfigurationTarget.Global);
      assert.deepEqual(lists(), [
        ['host-name-has-scheme', 'unknown-option'],
        ['host-name-has-scheme', 'ssh-options', 'unknown-option'],
      ]);
      // Already disabled: nothing is written twice.
      await vscode.commands.executeCommand('linuxBuilderDoctor.disableRule', 'ssh-options', 'workspace');
      assert.deepEqual(lists()[1], ['host-name-has-scheme', 'ssh-options', 'unknown-option']);
    } finally {
      await config().update('rules.disabled', undefined, vscode.ConfigurationTarget.Workspace);
      await config().update('rules.disabled', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('"Show documentation" opens the rule page as a rendered preview that is never dirty', async () => {
    const { actions } = await sshOptionsQuickFixes('docs.nix');
    const docs = actions.find((a) => a.title === 'Show documentation for ssh-options');
    assert.ok(docs?.command);
    const dirtyBefore = dirtyDocuments();
    const page = await vscode.commands.executeCommand<vscode.TextDocument | undefined>(
      docs.command.command,
      ...(docs.command.arguments as unknown[]),
    );
    assert.ok(page, 'a page');
    assert.equal(page.uri.path, '/rules/ssh-options.md', page.uri.toString());
    assert.ok(page.getText().includes('sshOptions'), 'the text of docs/rules/ssh-options.md');
    await assertRenderedAndClosable(page, 'ssh-options.md', dirtyBefore);
  });

  it('source.fixAll runs on save (editor.codeActionsOnSave) and applies every safe preferred fix', async () => {
    const text = `{\n  nix.linux-builder = {\n    enable = true;\n    config.sshOptions = [ "-p" "31022" ];\n  };\n  nix.buildMachines = [ {\n    hostName = "ssh://builder.example.com";\n    systems = [ "aarch64-linux" ];\n  } ];\n  nix.distributedBuilds = true;\n}\n`;
    const document = await openNew('fixall.nix', text);
    await pollUntil(
      'two fixable findings',
      30_000,
      () => (has(document.uri, 'ssh-options') && has(document.uri, 'host-name-has-scheme')) || undefined,
    );
    const editor = vscode.workspace.getConfiguration('editor', { languageId: 'nix' });
    await editor.update(
      'codeActionsOnSave',
      { 'source.fixAll.linuxBuilderDoctor': 'explicit' },
      vscode.ConfigurationTarget.Workspace,
      true,
    );
    try {
      // An explicit save of an edited document, as Ctrl+S.
      const edit = new vscode.WorkspaceEdit();
      edit.insert(document.uri, new vscode.Position(0, 0), '# fixed on save\n');
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(await document.save());
      const saved = document.getText();
      assert.ok(!saved.includes('sshOptions'), saved);
      assert.ok(!saved.includes('ssh://'), saved);
      assert.ok(saved.startsWith('# fixed on save\n'));
      await pollUntil(
        'the fixed findings to go',
        30_000,
        () => (!has(document.uri, 'ssh-options') && !has(document.uri, 'host-name-has-scheme')) || undefined,
      );
      assert.equal(document.isDirty, false, 'the fixes were saved with the file');
    } finally {
      await editor.update('codeActionsOnSave', undefined, vscode.ConfigurationTarget.Workspace, true);
    }
  });

  it('config-needs-bootstrap is a hint, gone while the builder is known to work, back when it is not', async () => {
    const document = await openNew(
      'bootstrap.nix',
      '{\n  nix.linux-builder = {\n    enable = true;\n    config.virtualisation.cores = 6;\n  };\n}\n',
    );
    // What the extension tells the server after a test build (testBuilder.test.ts runs a real one).
    const api = doctor();
    await api.ctx.reportBuilderStatus({ works: false, source: 'test-build' });
    const hint = await pollUntil('config-needs-bootstrap', 30_000, () =>
      ours(document.uri).find((d) => codeOf(d) === 'config-needs-bootstrap'),
    );
    assert.equal(hint.severity, vscode.DiagnosticSeverity.Hint);
    await api.ctx.reportBuilderStatus({ works: true, source: 'test-build' });
    await pollUntil(
      'the hint to go',
      30_000,
      () => !has(document.uri, 'config-needs-bootstrap') || undefined,
    );
    await api.ctx.reportBuilderStatus({ works: false, source: 'test-build' });
    await pollUntil(
      'the hint to come back',
      30_000,
      () => has(document.uri, 'config-needs-bootstrap') || undefined,
    );
  });

  it('a health check of the view run while the server was down reaches the restarted server', async () => {
    const document = await openNew('bootstrap-restart.nix', BOOTSTRAP);
    const api = doctor();
    await api.ctx.reportBuilderStatus({ works: false, source: 'test-build' });
    await pollUntil(
      'config-needs-bootstrap',
      30_000,
      () => has(document.uri, 'config-needs-bootstrap') || undefined,
    );
    // Without a server the view probes with the bundled CLI; only the extension saw the verdict.
    await api.ctx.stopClient();
    let cause: string | undefined;
    try {
      const run = api.ctx.runProbes();
      assert.ok(!('refused' in run), 'a trusted workspace runs the checks');
      cause = (await run)?.verdict.cause;
    } finally {
      await api.ctx.startClient();
    }
    if (cause === 'ok') {
      await pollUntil(
        'the hint to go',
        30_000,
        () => !has(document.uri, 'config-needs-bootstrap') || undefined,
      );
    } else {
      assert.ok(cause, 'the checks ran');
      await pollUntil(
        'the hint after the restart',
        30_000,
        () => has(document.uri, 'config-needs-bootstrap') || undefined,
      );
    }
  });
});
