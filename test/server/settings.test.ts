import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver';
import { LspClient, waitFor } from './lspClient.js';

const MODULE =
  '{\n  nix.linux-builder.enable = true;\n  nix.linux-builder.config.sshOptions = [ "-p" "31022" ];\n}\n';
const codes = (diagnostics: Diagnostic[]): string[] => diagnostics.map((d) => String(d.code));

/** The diagnostics for `uri` published after notification number `after`. */
function publishedAfter(client: LspClient, uri: string, after: number): Diagnostic[] | undefined {
  for (const n of client.notifications.slice(after).reverse()) {
    const p = n.params as { uri: string; diagnostics: Diagnostic[] };
    if (n.method === 'textDocument/publishDiagnostics' && p.uri === uri) return p.diagnostics;
  }
  return undefined;
}

describe('language server settings', function () {
  const clients: LspClient[] = [];
  after(async function () {
    for (const client of clients) await client.stop();
  });

  it('honours rules.disabled from workspace/configuration and re-checks when it changes', async function () {
    const { client } = await LspClient.start({ configuration: { rules: { disabled: ['ssh-options'] } } });
    clients.push(client);
    const uri = 'file:///tmp/lbd-settings/a.nix';
    await client.open(uri, MODULE);
    // The server pulls the configuration after `initialized`; the re-check after that is what counts.
    await waitFor('a check without ssh-options', () => {
      const d = publishedAfter(client, uri, 0);
      return d && !codes(d).includes('ssh-options') ? d : undefined;
    });
    // A workspace can send any key; docsBaseUrl is declared nowhere and must not move the links.
    client.configuration = { rules: { disabled: [] }, docsBaseUrl: 'https://phish.example/rules/' };
    const mark = client.notifications.length;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const again = await waitFor('a re-check after the settings changed', () =>
      publishedAfter(client, uri, mark),
    );
    const found = again.find((d) => d.code === 'ssh-options');
    assert.ok(found, `ssh-options back after enabling it: ${JSON.stringify(codes(again))}`);
    assert.match(
      found.codeDescription?.href ?? '',
      /^file:\/\/.*\/docs\/rules\/ssh-options\.md$/,
      'the bundled page',
    );
  });

  it('reads initializationOptions when the client cannot answer workspace/configuration', async function () {
    const { client } = await LspClient.start({
      initializationOptions: { linuxBuilderDoctor: { rules: { disabled: ['ssh-options'] } } },
    });
    clients.push(client);
    const uri = 'file:///tmp/lbd-settings/b.nix';
    await client.open(uri, MODULE);
    const diagnostics = await client.diagnostics(uri, 1);
    assert.ok(!codes(diagnostics).includes('ssh-options'), JSON.stringify(codes(diagnostics)));
    // Pushed settings (didChangeConfiguration with a body) apply too.
    const mark = client.notifications.length;
    await client.connection.sendNotification('workspace/didChangeConfiguration', {
      settings: { linuxBuilderDoctor: { rules: { disabled: [] } } },
    });
    const again = await waitFor('a re-check after pushed settings', () => publishedAfter(client, uri, mark));
    assert.ok(codes(again).includes('ssh-options'));
  });

  it('keeps initializationOptions when the client answers workspace/configuration with null', async function () {
    const { client } = await LspClient.start({
      configurationSupport: true,
      initializationOptions: { rules: { disabled: ['ssh-options'] } },
    });
    clients.push(client);
    const uri = 'file:///tmp/lbd-settings/d.nix';
    await client.open(uri, MODULE);
    await client.diagnostics(uri, 1);
    // A later re-check (after the pull) must still honour the initial settings.
    const mark = client.notifications.length;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const again = await waitFor('a re-check after the pull', () => publishedAfter(client, uri, mark));
    assert.ok(!codes(again).includes('ssh-options'), JSON.stringify(codes(again)));
  });

  it('links each rule to its page under docs/rules by default', async function () {
    const { client } = await LspClient.start();
    clients.push(client);
    const uri = 'file:///tmp/lbd-settings/c.nix';
    await client.open(uri, MODULE);
    const found = (await client.diagnostics(uri, 1)).find((d) => d.code === 'ssh-options');
    assert.ok(found);
    assert.match(found.codeDescription?.href ?? '', /^file:\/\/.*\/docs\/rules\/ssh-options\.md$/);
  });
});
