import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { CAUSE_IDS, PROBE_IDS, type ProbeReport } from '../../src/protocol/probes.js';
import { PROBE_PROGRESS_METHOD, REPORT_METHOD, RUN_PROBES_METHOD, type ProbeProgressParams, type ReportResult } from '../../src/protocol/lsp.js';
import { LspClient } from './lspClient.js';

describe('probe requests over LSP', function () {
  let client: LspClient;
  let root: string;

  before(async function () {
    // An empty "Mac": no nix.conf, no machines file, no ssh config. Probes must decide quickly.
    root = mkdtempSync(join(tmpdir(), 'lbd-empty-root-'));
    ({ client } = await LspClient.start());
  });

  after(async function () {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('runProbes streams one progress notification per result and answers with a verdict', async function () {
    const runId = 'run-1';
    const started = Date.now();
    const report = await client.request<ProbeReport>(RUN_PROBES_METHOD, { runId, root, timeoutMs: 3000 });
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 20_000, `took ${elapsed} ms`);
    assert.ok((CAUSE_IDS as readonly string[]).includes(report.verdict.cause), `verdict ${report.verdict.cause}`);
    assert.notEqual(report.verdict.cause, 'ok', 'an empty root has no working builder');
    assert.ok(report.results.length > 0);
    for (const result of report.results) assert.ok((PROBE_IDS as readonly string[]).includes(result.id));
    const progress = client.notifications
      .filter((m) => m.method === PROBE_PROGRESS_METHOD)
      .map((m) => m.params as ProbeProgressParams)
      .filter((p) => p.runId === runId);
    // Notifications are sent before the response, and JSON-RPC keeps order on one pipe.
    assert.deepEqual(progress.map((p) => p.result.id).sort(), report.results.map((r) => r.id).sort());
    for (const p of progress) assert.equal(p.total, progress[0].total);
    assert.ok(progress[0].total >= report.results.length);
  });

  it('runProbes honours `only`', async function () {
    const report = await client.request<ProbeReport>(RUN_PROBES_METHOD, { runId: 'run-only', root, only: ['platform'] });
    assert.deepEqual(report.results.map((r) => r.id), ['platform']);
  });

  it('a cancelled probe run answers promptly and the server keeps serving', async function () {
    const source = new CancellationTokenSource();
    const pending = client.connection.sendRequest(RUN_PROBES_METHOD, { runId: 'run-cancel', root, timeoutMs: 3000 }, source.token);
    source.cancel();
    const started = Date.now();
    // Either the run was cut short (RequestCancelled) or it had already finished: both are fine;
    // hanging is not.
    await pending.then(() => undefined, () => undefined);
    assert.ok(Date.now() - started < 10_000);
    const report = await client.request<ProbeReport>(RUN_PROBES_METHOD, { runId: 'run-after', root, only: ['platform'] });
    assert.equal(report.results.length, 1);
  });

  it('report renders the Markdown doctor report', async function () {
    const { markdown } = await client.request<ReportResult>(REPORT_METHOD, { root, timeoutMs: 3000 });
    assert.match(markdown, /^#/m, 'has a heading');
    assert.ok(markdown.length > 100);
  });
});
