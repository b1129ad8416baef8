/**
 * One engine, two faces: for every example file the language server publishes exactly the
 * findings `linux-builder-doctor check --format json` prints (code, range, severity, message).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver';
import type { Finding } from '../../src/protocol/findings.js';
import { distCli, examplesDir, projectRoot } from '../util/paths.js';
import { LspClient } from './lspClient.js';

const severityNames = ['', 'error', 'warning', 'information', 'hint'];
const key = (x: { code?: unknown; range: unknown; severity: unknown; message: string }): string =>
  JSON.stringify([x.code, x.range, x.severity, x.message]);

describe('language server and CLI agree', function () {
  let client: LspClient;
  before(async function () {
    ({ client } = await LspClient.start());
  });
  after(async function () {
    await client.stop();
  });

  it('publishes the same findings as check --format json for every example file', async function () {
    this.timeout(60_000);
    const run = spawnSync(process.execPath, [distCli, 'check', '--format', 'json', examplesDir], {
      cwd: projectRoot,
      encoding: 'utf8',
    });
    assert.ok(run.status === 0 || run.status === 1, `check exited ${run.status}: ${run.stderr}`);
    const findings = JSON.parse(run.stdout) as (Finding & { file: string })[];
    const files = [...new Set(findings.map((f) => f.file))];
    assert.ok(files.length > 0, 'the examples have findings');
    for (const file of files) {
      const uri = pathToFileURL(file).href;
      await client.open(uri, readFileSync(file, 'utf8'));
      const diagnostics: Diagnostic[] = await client.diagnostics(uri, 1);
      const fromServer = diagnostics
        .map((d) =>
          key({
            code: d.code,
            range: d.range,
            severity: severityNames[d.severity ?? 0],
            message: typeof d.message === 'string' ? d.message : d.message.value,
          }),
        )
        .sort();
      const fromCli = findings
        .filter((f) => f.file === file)
        .map((f) => key(f))
        .sort();
      assert.deepEqual(fromServer, fromCli, file);
    }
  });
});
