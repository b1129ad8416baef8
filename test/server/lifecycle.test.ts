import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LspClient, waitFor } from './lspClient.js';

describe('language server lifecycle', function () {
  it('exits with 0 after shutdown and exit', async function () {
    const { client } = await LspClient.start();
    assert.equal(await client.stop(), 0);
  });

  it('exits with 1 on exit without shutdown (LSP spec)', async function () {
    const { client } = await LspClient.start();
    await client.connection.sendNotification('exit');
    await waitFor('server exit', () => (client.exitCode === undefined ? undefined : true));
    assert.equal(client.exitCode, 1);
    client.kill();
  });

  it('exits when the editor goes away (stdin closed), leaving no orphan', async function () {
    const { client } = await LspClient.start();
    client.process.stdin.end();
    await waitFor('server exit', () => (client.exitCode === undefined ? undefined : true));
    client.kill();
  });

  it('starts on stdio without a transport flag (some clients pass none)', async function () {
    const { client, initialize } = await LspClient.start({ args: [] });
    assert.equal(initialize.serverInfo?.name, 'linux-builder-doctor');
    assert.equal(await client.stop(), 0);
  });
});

describe('language server after shutdown (LSP: requests get InvalidRequest, nothing runs)', function () {
  const INVALID_REQUEST = -32600;
  let bin: string;
  let marker: string;
  let savedPath: string | undefined;

  before(() => {
    // Fake nix / ssh / sw_vers / launchctl on PATH: each leaves a line in `marker` when run.
    bin = mkdtempSync(join(tmpdir(), 'lbd-shutdown-'));
    marker = join(bin, 'ran');
    for (const name of [
      'nix',
      'nix-store',
      'nix-instantiate',
      'ssh',
      'ssh-keyscan',
      'ssh-keygen',
      'sw_vers',
      'launchctl',
      'sysctl',
    ]) {
      const file = join(bin, name);
      writeFileSync(file, `#!/bin/sh\necho ${name} >> '${marker}'\nexit 1\n`);
      chmodSync(file, 0o755);
    }
    savedPath = process.env.PATH;
    process.env.PATH = `${bin}:${savedPath ?? ''}`;
  });
  after(() => {
    process.env.PATH = savedPath;
    rmSync(bin, { recursive: true, force: true });
  });

  it('answers hover, completion, code actions, probe runs and the report with InvalidRequest, and runs no probe', async function () {
    const { client } = await LspClient.start();
    const uri = 'file:///tmp/lbd-shutdown/a.nix';
    await client.open(uri, '{ nix.linux-builder.sshOptions = [ ]; }\n');
    await client.connection.sendRequest('shutdown');
    const position = { line: 0, character: 10 };
    const range = { start: position, end: position };
    const requests: [string, unknown][] = [
      ['textDocument/hover', { textDocument: { uri }, position }],
      ['textDocument/completion', { textDocument: { uri }, position }],
      ['textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } }],
      ['linuxBuilderDoctor/runProbes', { runId: 'after-shutdown' }],
      ['linuxBuilderDoctor/report', {}],
      ['shutdown', null],
    ];
    for (const [method, params] of requests) {
      await assert.rejects(
        client.connection.sendRequest(method, params),
        (error: { code?: number }) => error.code === INVALID_REQUEST,
        method,
      );
    }
    assert.equal(
      existsSync(marker),
      false,
      `probes ran after shutdown: ${existsSync(marker) ? readFileSync(marker, 'utf8') : ''}`,
    );
    assert.equal(
      client.notifications.filter((n) => n.method === 'linuxBuilderDoctor/probeProgress').length,
      0,
    );
    await client.connection.sendNotification('exit');
    await waitFor('server exit', () => (client.exitCode === undefined ? undefined : true));
    assert.equal(client.exitCode, 0);
    client.kill();
  });

  it("the fake commands are on the server's PATH (the report before shutdown runs them)", async function () {
    this.timeout(30_000);
    const { client } = await LspClient.start();
    await client.connection.sendRequest('linuxBuilderDoctor/report', {});
    assert.ok(existsSync(marker), 'no fake command ran: the previous test could not have seen one either');
    rmSync(marker, { force: true });
    assert.equal(await client.stop(), 0);
  });
});
