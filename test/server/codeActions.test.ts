/**
 * The code actions beyond quick fixes, over LSP: "Disable rule", "Show documentation" and
 * `source.fixAll.linuxBuilderDoctor`, each taken round trip (the client does what the action says,
 * the server's diagnostics follow); and `config-needs-bootstrap` as a hint that goes once the
 * builder is known to work.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, Diagnostic, TextDocumentEdit, TextEdit } from 'vscode-languageserver';
import { examplesDir } from '../util/paths.js';
import { fixParseError } from '../util/nixCheck.js';
import { applyChanges, LspClient } from './lspClient.js';

const CLIENT_COMMANDS = ['linuxBuilderDoctor.disableRule', 'linuxBuilderDoctor.showRuleDocumentation'];

const actionsAt = (client: LspClient, uri: string, diagnostic: Diagnostic, only?: string[]) =>
  client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic], ...(only ? { only } : {}) },
  });

const SSH_OPTIONS = `{\n  nix.linux-builder = {\n    enable = true;\n    config.sshOptions = [ "-p" "31022" ];\n  };\n}\n`;

describe('code actions: disable rule, documentation, fix all', function () {
  let client: LspClient | undefined;
  afterEach(async function () {
    await client?.stop();
    client = undefined;
  });

  it('"Disable rule" carries the client command; once the setting is written the diagnostics lose the rule', async function () {
    ({ client } = await LspClient.start({
      configuration: { rules: { disabled: [] } },
      initializationOptions: { linuxBuilderDoctor: {}, clientCommands: CLIENT_COMMANDS },
    }));
    const uri = 'file:///tmp/lbd-actions/disable.nix';
    await client.open(uri, SSH_OPTIONS);
    const diagnostics = await client.diagnostics(uri, 1);
    const diagnostic = diagnostics.find((d) => d.code === 'ssh-options');
    assert.ok(diagnostic, 'ssh-options is reported');
    const actions = await actionsAt(client, uri, diagnostic);
    const disable = actions.find((a) => a.title === 'Disable rule ssh-options');
    assert.ok(disable, actions.map((a) => a.title).join(' | '));
    assert.equal(disable.kind, 'quickfix');
    assert.deepEqual(disable.command, {
      title: 'Disable rule ssh-options',
      command: 'linuxBuilderDoctor.disableRule',
      arguments: ['ssh-options'],
    });
    // The client writes the setting from the command's arguments, and tells the server.
    const before = client.notifications.length;
    client.configuration = { rules: { disabled: disable.command.arguments } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const after = await waitForPublish(client, uri, before);
    assert.ok(!after.some((d) => d.code === 'ssh-options'), 'the rule is gone');
    assert.ok(after.length < diagnostics.length);
  });

  it('offers no "Disable rule" to a client without the command (the server cannot write its settings)', async function () {
    ({ client } = await LspClient.start());
    const uri = 'file:///tmp/lbd-actions/plain.nix';
    await client.open(uri, SSH_OPTIONS);
    const diagnostic = (await client.diagnostics(uri, 1)).find((d) => d.code === 'ssh-options');
    assert.ok(diagnostic);
    const titles = (await actionsAt(client, uri, diagnostic)).map((a) => a.title);
    assert.ok(
      !titles.some((t) => t.startsWith('Disable rule') || t.startsWith('Show documentation')),
      titles.join(' | '),
    );
  });

  it('"Show documentation" runs the client command, or asks the client to show the shipped page', async function () {
    ({ client } = await LspClient.start({
      initializationOptions: { clientCommands: CLIENT_COMMANDS },
      showDocument: true,
    }));
    const uri = 'file:///tmp/lbd-actions/docs.nix';
    await client.open(uri, SSH_OPTIONS);
    let diagnostic = (await client.diagnostics(uri, 1)).find((d) => d.code === 'ssh-options');
    assert.ok(diagnostic);
    const docs = (await actionsAt(client, uri, diagnostic)).find(
      (a) => a.title === 'Show documentation for ssh-options',
    );
    assert.deepEqual(docs?.command?.command, 'linuxBuilderDoctor.showRuleDocumentation');
    assert.deepEqual(docs.command.arguments, ['ssh-options']);
    await client.stop();

    // A client that can show documents but has no command of its own: the server opens the page.
    ({ client } = await LspClient.start({ showDocument: true }));
    await client.open(uri, SSH_OPTIONS);
    diagnostic = (await client.diagnostics(uri, 1)).find((d) => d.code === 'ssh-options');
    assert.ok(diagnostic);
    const viaServer = (await actionsAt(client, uri, diagnostic)).find(
      (a) => a.title === 'Show documentation for ssh-options',
    );
    assert.ok(viaServer?.command, 'offered through the server');
    assert.equal(viaServer.command.command, 'linuxBuilderDoctor.server.openRulePage');
    await client.request('workspace/executeCommand', {
      command: viaServer.command.command,
      arguments: viaServer.command.arguments,
    });
    assert.equal(client.shownDocuments.length, 1);
    const shown = client.shownDocuments[0];
    assert.ok(shown);
    assert.ok(shown.uri.startsWith('file:') && shown.uri.endsWith('/docs/rules/ssh-options.md'), shown.uri);
    assert.equal(shown.external, false, 'the shipped page opens in the editor');
    assert.ok(readFileSync(new URL(shown.uri), 'utf8').includes('ssh-options'), 'the page exists');
    await assert.rejects(
      client.request('workspace/executeCommand', {
        command: viaServer.command.command,
        arguments: ['../../etc/passwd'],
      }),
      /unknown command or rule/,
    );
  });

  it('source.fixAll: one versioned edit applying every safe preferred fix; the result parses and has nothing left to fix', async function () {
    this.timeout(60_000);
    ({ client } = await LspClient.start());
    const file = join(examplesDir, 'corporate-mac', 'hosts', 'work-mac.nix');
    const text = readFileSync(file, 'utf8');
    const uri = `file://${file}`;
    await client.open(uri, text, 3);
    const diagnostics = await client.diagnostics(uri, 3);
    const fixable = diagnostics.filter((d) => (d.data as { fixes: string[] }).fixes.length > 0);
    assert.ok(fixable.length >= 3, `several fixable findings (${fixable.length})`);
    const whole = { start: { line: 0, character: 0 }, end: { line: text.split('\n').length, character: 0 } };
    const request = (only: string[]) =>
      client!.request<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: whole,
        context: { diagnostics: [], only },
      });
    // What VS Code sends for `editor.codeActionsOnSave: { "source.fixAll": "explicit" }`.
    const actions = await request(['source.fixAll']);
    assert.equal(actions.length, 1);
    const [fixAll] = actions;
    assert.ok(fixAll);
    assert.equal(fixAll.kind, 'source.fixAll.linuxBuilderDoctor');
    assert.ok(fixAll.title.length <= 70, fixAll.title);
    const change = fixAll.edit?.documentChanges?.[0] as TextDocumentEdit;
    assert.deepEqual(change.textDocument, { uri, version: 3 });
    // (Edits in the original's coordinates: applied from the end, as an editor does.)
    const fixed = applyChanges(
      text,
      [...(change.edits as TextEdit[])]
        .sort(
          (a, b) =>
            b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character,
        )
        .map((e) => ({ range: e.range, text: e.newText })),
    );
    assert.notEqual(fixed, text);
    assert.equal(fixParseError(fixed), null, 'the fixed file is valid Nix');
    // Applied as an edit of the open document, as the editor does:
    const before = client.notifications.length;
    await client.change(uri, [{ range: whole, text: fixed }]);
    const after = await waitForPublish(client, uri, before);
    const stillFixable = after.filter((d) => (d.data as { fixes: string[] }).fixes.length > 0);
    assert.ok(stillFixable.length < fixable.length, `left: ${stillFixable.map((d) => d.code).join(', ')}`);
    assert.deepEqual(
      await request(['source.fixAll.linuxBuilderDoctor']),
      [],
      'a second run has nothing to do',
    );
    // Quick-fix requests never list it; a request for another source kind neither.
    assert.deepEqual(await request(['source.organizeImports']), []);
  });

  it('config-needs-bootstrap is a hint, gone while the builder is known to work and back when it fails', async function () {
    ({ client } = await LspClient.start());
    const uri = 'file:///tmp/lbd-actions/bootstrap.nix';
    await client.open(
      uri,
      '{\n  nix.linux-builder = {\n    enable = true;\n    config.virtualisation.cores = 6;\n  };\n}\n',
    );
    const first = (await client.diagnostics(uri, 1)).find((d) => d.code === 'config-needs-bootstrap');
    assert.ok(first, 'reported before anything is known');
    assert.equal(first.severity, 4, 'Hint: no squiggle');
    let before = client.notifications.length;
    await client.connection.sendNotification('linuxBuilderDoctor/builderStatus', {
      works: true,
      source: 'test-build',
    });
    let now = await waitForPublish(client, uri, before);
    assert.ok(!now.some((d) => d.code === 'config-needs-bootstrap'), 'gone once a test build worked');
    before = client.notifications.length;
    await client.connection.sendNotification('linuxBuilderDoctor/builderStatus', {
      works: false,
      source: 'health-check',
    });
    now = await waitForPublish(client, uri, before);
    assert.ok(
      now.some((d) => d.code === 'config-needs-bootstrap'),
      'back when a check failed',
    );
  });
});

/** The first diagnostics published for `uri` after notification number `after`. */
async function waitForPublish(client: LspClient, uri: string, after: number): Promise<Diagnostic[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    for (const n of client.notifications.slice(after)) {
      const p = n.params as { uri: string; diagnostics: Diagnostic[] };
      if (n.method === 'textDocument/publishDiagnostics' && p.uri === uri) return p.diagnostics;
    }
    if (Date.now() > deadline) throw new Error(`no diagnostics for ${uri}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
