import assert from 'node:assert/strict';
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
