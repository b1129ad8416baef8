import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROBE_IDS, type ProbeResult } from '../../../src/protocol/probes.js';
import { runProbes, selectProbes } from '../../../src/probes/run.js';
import { requireTools } from '../../util/prerequisites.js';
import { BANNER_PATIENCE_MS } from '../../../src/probes/checks/vmPort.js';

describe('probe engine: streaming, dependencies, bounds, never throws', function () {
  let root: string;
  let emptyBin: string;

  const stage = (machines: string | null, hostBlock?: string): void => {
    for (const d of ['etc/ssh/ssh_config.d', 'etc/nix', 'var/root/.ssh'])
      mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, 'etc/ssh/ssh_config'), `Include ${root}/etc/ssh/ssh_config.d/*\n`);
    if (hostBlock !== undefined)
      writeFileSync(join(root, 'etc/ssh/ssh_config.d/100-linux-builder.conf'), hostBlock);
    writeFileSync(join(root, 'etc/nix/nix.conf'), '');
    if (machines !== null) writeFileSync(join(root, 'etc/nix/machines'), machines);
  };

  beforeEach(function () {
    root = mkdtempSync(join(tmpdir(), 'lbd-engine-'));
    emptyBin = join(root, 'emptybin');
    mkdirSync(emptyBin);
  });
  afterEach(function () {
    rmSync(root, { recursive: true, force: true });
  });

  it('streams every result once, reports them in chain order and skips dependents with the reason', async function () {
    stage(null);
    const streamed: ProbeResult[] = [];
    const totals = new Set<number>();
    const report = await runProbes({ root, env: process.env }, (r, total) => {
      streamed.push(r);
      totals.add(total);
    });
    assert.equal(report.verdict.cause, 'no-builder-configured');
    assert.equal(streamed.length, report.results.length);
    assert.deepEqual([...totals], [report.results.length]);
    assert.deepEqual(new Set(streamed.map((r) => r.id)).size, streamed.length, 'each probe once');
    assert.deepEqual(
      report.results.map((r) => r.id),
      [...report.results.map((r) => r.id)].sort((a, b) => PROBE_IDS.indexOf(a) - PROBE_IDS.indexOf(b)),
    );
    assert.ok(
      !report.results.some((r) => r.id === 'test-build'),
      'the slow test build runs only when asked for',
    );
    const login = report.results.find((r) => r.id === 'ssh-login');
    assert.equal(login?.status, 'skip');
    assert.match(login?.summary ?? '', /^not run: /);
  });

  it('with --only, runs the selection and what it needs', function () {
    const ids = selectProbes(['vm-port']).map((p) => p.id);
    assert.ok(
      ids.includes('vm-port') && ids.includes('hostname-resolution') && ids.includes('machines-file'),
    );
    assert.ok(!ids.includes('ssh-login') && !ids.includes('remote-nix'));
    assert.deepEqual(
      selectProbes(['platform']).map((p) => p.id),
      ['platform'],
    );
    assert.ok(selectProbes(['test-build']).some((p) => p.id === 'remote-nix'));
  });

  it('never throws when nothing is installed: missing commands become results', async function () {
    stage('ssh-ng://builder@linux-builder x86_64-linux - 1 1 - - -\n');
    const report = await runProbes({ root, env: { PATH: emptyBin } });
    const byId = new Map(report.results.map((r) => [r.id, r]));
    assert.equal(byId.get('nix-install')?.status, 'fail');
    assert.match(byId.get('nix-install')?.summary ?? '', /not on PATH/);
    assert.match(
      byId
        .get('builders-setting')
        ?.evidence.map((e) => e.detail)
        .join(' ') ?? '',
      /read from the file/,
    );
    assert.equal(byId.get('launchd-service')?.status, 'skip', 'launchctl absent: skipped, not failed');
    assert.match(byId.get('launchd-service')?.summary ?? '', /not macOS/);
    assert.equal(report.nixVersion, null);
  });

  it('fake macOS commands on PATH are used (sw_vers, launchctl)', async function () {
    stage(null);
    const bin = join(root, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'sw_vers'), '#!/bin/sh\necho 15.1\n');
    chmodSync(join(bin, 'sw_vers'), 0o755);
    const report = await runProbes({
      root,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
      only: ['platform'],
    });
    assert.equal(report.results.length, 1);
    assert.match(report.platform, /^macOS 15\.1/);
  });

  it('is cancellable: an aborted run resolves at once with what is known', async function () {
    stage(null);
    const controller = new AbortController();
    controller.abort();
    const started = Date.now();
    const report = await runProbes({ root, env: process.env, signal: controller.signal });
    assert.ok(Date.now() - started < 2000);
    assert.ok(report.results.every((r) => r.status === 'skip'));
    assert.match(report.results[0]?.summary ?? '', /cancelled/);
  });

  describe('a builder whose port accepts and never speaks', function () {
    let server: Server;
    let port = 0;
    const sockets = new Set<Socket>();
    before(async function () {
      requireTools(this, ['ssh']);
      server = createServer((s) => {
        sockets.add(s);
        s.on('error', () => undefined);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      port = typeof address === 'object' && address !== null ? address.port : 0;
    });
    after(async function () {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('still gets a verdict within the per-command timeouts', async function () {
      this.timeout(25_000);
      stage(
        `ssh-ng://builder@linux-builder x86_64-linux ${root}/key 1 1 - - -\n`,
        `Host linux-builder\n  Hostname 127.0.0.1\n  Port ${port}\n  HostKeyAlias linux-builder\n`,
      );
      const started = Date.now();
      const report = await runProbes({ root, env: process.env });
      const took = Date.now() - started;
      assert.equal(report.verdict.cause, 'key-missing', 'the first broken link decides');
      assert.equal(report.results.find((r) => r.id === 'vm-port')?.cause, 'builder-unresponsive');
      // The port probe waits BANNER_PATIENCE_MS for a banner (a slow sshd is not a hung one), and a
      // run against a hung VM ends within 6 s (slack for a loaded machine; 10 s of patience took 10–11.75 s).
      assert.ok(
        BANNER_PATIENCE_MS < 6000 && took < 8000,
        `took ${took} ms (patience ${BANNER_PATIENCE_MS} ms)`,
      );
    });

    it('cancelled while waiting for the banner: the port probe is skipped, not blamed', async function () {
      stage(
        `ssh-ng://builder@linux-builder x86_64-linux - 1 1 - - -\n`,
        `Host linux-builder\n  Hostname 127.0.0.1\n  Port ${port}\n`,
      );
      const controller = new AbortController();
      const report = await runProbes({ root, env: process.env, signal: controller.signal }, (r) => {
        if (r.id === 'hostname-resolution') setTimeout(() => controller.abort(), 300);
      });
      const vmPort = report.results.find((r) => r.id === 'vm-port');
      assert.equal(vmPort?.status, 'skip', JSON.stringify(vmPort));
      assert.match(vmPort?.summary ?? '', /cancelled/);
      assert.notEqual(report.verdict.cause, 'ok');
    });

    it('respects an overall timeout shorter than the per-command ones', async function () {
      stage(
        `ssh-ng://builder@linux-builder x86_64-linux - 1 1 - - -\n`,
        `Host linux-builder\n  Hostname 127.0.0.1\n  Port ${port}\n`,
      );
      const started = Date.now();
      const report = await runProbes({ root, env: process.env, timeoutMs: 1000 });
      const took = Date.now() - started;
      assert.ok(took < 4000, `took ${took} ms`);
      assert.notEqual(
        report.verdict.cause,
        'ok',
        JSON.stringify(report.results.map((r) => [r.id, r.status, r.summary])),
      );
      // On an idle machine the chain reaches vm-port, which waits for the silent banner until the
      // run's limit; on a loaded one an earlier probe may be the one the limit stops. Either way the
      // run names the limit (or the missing banner) instead of running on to the per-command bounds.
      const summaries = report.results.map((r) => `${r.id}: ${r.summary}`);
      assert.ok(
        summaries.some((s) => /no SSH banner|time limit|did not finish/.test(s)),
        summaries.join('\n'),
      );
    });
  });
});
