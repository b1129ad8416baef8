import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { CAUSE_IDS, PROBE_IDS, type ProbeReport } from '../../src/protocol/probes.js';
import {
  PROBE_PROGRESS_METHOD,
  REPORT_METHOD,
  RUN_PROBES_METHOD,
  type ProbeProgressParams,
  type ReportResult,
} from '../../src/protocol/lsp.js';
import { assertNoSecret, scenarios, stageSecrets } from '../util/secretsCorpus.js';
import { LspClient, waitFor } from './lspClient.js';
import { itemAt } from '../util/itemAt.js';

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
    assert.ok(
      (CAUSE_IDS as readonly string[]).includes(report.verdict.cause),
      `verdict ${report.verdict.cause}`,
    );
    assert.notEqual(report.verdict.cause, 'ok', 'an empty root has no working builder');
    assert.ok(report.results.length > 0);
    for (const result of report.results) assert.ok((PROBE_IDS as readonly string[]).includes(result.id));
    const progress = client.notifications
      .filter((m) => m.method === PROBE_PROGRESS_METHOD)
      .map((m) => m.params as ProbeProgressParams)
      .filter((p) => p.runId === runId);
    // Notifications are sent before the response, and JSON-RPC keeps order on one pipe.
    assert.deepEqual(progress.map((p) => p.result.id).sort(), report.results.map((r) => r.id).sort());
    const { total } = itemAt(progress, 0);
    for (const p of progress) assert.equal(p.total, total);
    assert.ok(total >= report.results.length);
  });

  it('runProbes honours `only`', async function () {
    const report = await client.request<ProbeReport>(RUN_PROBES_METHOD, {
      runId: 'run-only',
      root,
      only: ['platform'],
    });
    assert.deepEqual(
      report.results.map((r) => r.id),
      ['platform'],
    );
  });

  it('cancelling a run stops a probe stuck on a silent builder and the server keeps serving', async function () {
    // A "VM" whose port accepts but never speaks SSH (docs/dev/domain.md#how-nix-connects-to-a-remote-builder: Nix itself would hang): the
    // vm-port probe waits for a banner, so the run is still busy when we cancel it.
    const silent = net.createServer((socket) => {
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const staged = mkdtempSync(join(tmpdir(), 'lbd-silent-root-'));
    try {
      mkdirSync(join(staged, 'etc/ssh'), { recursive: true });
      writeFileSync(
        join(staged, 'etc/ssh/ssh_config'),
        `Host linux-builder\n  User builder\n  Hostname 127.0.0.1\n  HostKeyAlias linux-builder\n  Port ${port}\n  IdentityFile /etc/nix/builder_ed25519\n`,
      );
      const runId = 'run-cancel';
      const source = new CancellationTokenSource();
      const pending = client.connection.sendRequest<ProbeReport>(
        RUN_PROBES_METHOD,
        { runId, root: staged, builderHost: 'linux-builder', timeoutMs: 60_000 },
        source.token,
      );
      // Cancel once the probes before the port check have reported.
      await waitFor(
        'hostname-resolution progress',
        () =>
          client.notifications.find(
            (m) =>
              m.method === PROBE_PROGRESS_METHOD &&
              (m.params as ProbeProgressParams).runId === runId &&
              (m.params as ProbeProgressParams).result.id === 'hostname-resolution',
          ),
        20_000,
      );
      const cancelled = Date.now();
      source.cancel();
      const report = await pending.then(
        (r) => r,
        (error: unknown) => ({ error }),
      );
      const elapsed = Date.now() - cancelled;
      // The port probe alone would wait 3 s for a banner; cancellation must cut it short.
      assert.ok(elapsed < 2000, `answered ${elapsed} ms after cancel`);
      if (!('error' in report)) {
        assert.notEqual(report.verdict.cause, 'ok');
        const vmPort = report.results.find((r) => r.id === 'vm-port');
        assert.ok(vmPort && vmPort.status === 'skip', `vm-port after cancel: ${JSON.stringify(vmPort)}`);
      }
    } finally {
      silent.close();
      rmSync(staged, { recursive: true, force: true });
    }
    const after = await client.request<ProbeReport>(RUN_PROBES_METHOD, {
      runId: 'run-after',
      root,
      only: ['platform'],
    });
    assert.equal(after.results.length, 1);
  });

  it('report renders the Markdown doctor report', async function () {
    const { markdown } = await client.request<ReportResult>(REPORT_METHOD, { root, timeoutMs: 3000 });
    assert.match(markdown, /^#/m, 'has a heading');
    assert.ok(markdown.length > 100);
  });

  it('report (what the editor\'s "Open Doctor Report" shows) is redacted like the CLI\'s: no planted secret comes out', async function () {
    this.timeout(60_000);
    for (const scenario of scenarios()) {
      const staged = stageSecrets(scenario);
      try {
        const { markdown } = await client.request<ReportResult>(REPORT_METHOD, {
          root: staged.root,
          timeoutMs: 15_000,
        });
        assert.match(markdown, /^# Linux Builder Doctor report/);
        assertNoSecret(markdown, staged.secrets, `report request (${scenario})`);
      } finally {
        staged.dispose();
      }
    }
  });
});
