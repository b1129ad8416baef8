/** The explain request over LSP (stdio, the real server bundle): same causes as the CLI, definitions from the named configuration. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPLAIN_METHOD, type ExplainResult } from '../../src/protocol/lsp.js';
import { LspClient } from './lspClient.js';

describe('explain request over LSP', function () {
  let client: LspClient;
  let dir: string;

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'lbd-explain-lsp-'));
    writeFileSync(
      join(dir, 'darwin.nix'),
      '{\n  nix.linux-builder.enable = true;\n  nix.linux-builder.sshOptions = [ ];\n}\n',
    );
    ({ client } = await LspClient.start());
  });

  after(async function () {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the cause and fix of a terminal line', async function () {
    const result = await client.request<ExplainResult>(EXPLAIN_METHOD, {
      text: "cannot build on 'ssh-ng://builder@linux-builder': error: failed to start SSH connection to 'builder@linux-builder'",
    });
    assert.deepEqual(
      result.problems.map((p) => p.cause),
      ['ssh-connection-failed'],
    );
    assert.match(result.problems[0]?.fix?.summary ?? '', /services\.nix-daemon\.logFile/);
  });

  it("finds an option error's definition in the configuration paths it is given", async function () {
    const result = await client.request<ExplainResult>(EXPLAIN_METHOD, {
      text: "error: The option `nix.linux-builder.sshOptions' does not exist.",
      configPaths: [dir],
    });
    const [problem] = result.problems;
    assert.equal(problem?.cause, 'option-does-not-exist');
    assert.deepEqual(
      problem.definitions?.map((d) => [d.rule, d.file, d.line]),
      [['ssh-options', join(dir, 'darwin.nix'), 3]],
    );
  });

  it('answers "nothing" for text it does not know, and survives junk params', async function () {
    assert.deepEqual((await client.request<ExplainResult>(EXPLAIN_METHOD, { text: 'hello' })).problems, []);
    assert.deepEqual(
      (await client.request<ExplainResult>(EXPLAIN_METHOD, { text: 42, configPaths: 'x' })).problems,
      [],
    );
  });
});
