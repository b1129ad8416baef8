/**
 * A name server that never answers: the run still ends within its bound. The real CLI runs in a
 * mount namespace whose /etc/resolv.conf names a UDP socket of this test that swallows every
 * query, so getaddrinfo (what ssh uses) hangs for the resolver's own timeouts. Needs root and
 * unshare (fails under CI without them, like the loopback suite).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProbeReport } from '../../../src/protocol/probes.js';
import { distCli } from '../../util/paths.js';
import { requireTools } from '../../util/prerequisites.js';

/** Somewhere in 127/8 (all loopback on Linux), so test runs in parallel do not share port 53. */
const SILENT_SERVER = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 250)}`;

describe('a name server that never answers', function () {
  let dir: string;
  let server: Socket;
  let queries = 0;

  before(async function () {
    requireTools(this, ['unshare', 'ssh']);
    if (process.getuid?.() !== 0) {
      if (process.env.CI === 'true') throw new Error('the hung-resolver test needs root (a mount namespace)');
      console.warn('  SKIPPED: the hung-resolver test needs root (a mount namespace)');
      this.skip();
    }
    server = createSocket('udp4');
    server.on('message', () => {
      queries++;
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.bind(53, SILENT_SERVER, resolve);
    });
    dir = mkdtempSync(join(tmpdir(), 'lbd-hung-dns-'));
    const root = join(dir, 'root');
    for (const d of ['etc/ssh/ssh_config.d', 'etc/nix', 'var/root/.ssh'])
      mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, 'etc/ssh/ssh_config'), '');
    writeFileSync(join(root, 'etc/nix/nix.conf'), '');
    writeFileSync(
      join(root, 'etc/nix/machines'),
      'ssh-ng://builder@lbd-silent-dns.example x86_64-linux - 1 1 - - -\n',
    );
    writeFileSync(join(dir, 'resolv.conf'), `nameserver ${SILENT_SERVER}\noptions timeout:5 attempts:3\n`);
  });
  after(function () {
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The CLI with /etc/resolv.conf replaced, in its own mount namespace; wall time included. */
  function probe(extra: string[]): Promise<{ ms: number; report: ProbeReport; stderr: string }> {
    const started = Date.now();
    const script = 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"';
    const argv = [
      '--mount',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      script,
      'sh',
      join(dir, 'resolv.conf'),
      process.execPath,
      distCli,
      'probe',
      '--root',
      join(dir, 'root'),
      '--format',
      'json',
      ...extra,
    ];
    return new Promise((resolve, reject) => {
      execFile('unshare', argv, { timeout: 60_000 }, (_error, stdout, stderr) => {
        try {
          resolve({ ms: Date.now() - started, report: JSON.parse(stdout) as ProbeReport, stderr });
        } catch (e) {
          reject(new Error(`${String(e)}\nstdout: ${stdout}\nstderr: ${stderr}`));
        }
      });
    });
  }

  it('--timeout-ms 2000: the CLI exits within its bound', async function () {
    this.timeout(60_000);
    const { ms, report } = await probe(['--timeout-ms', '2000']);
    assert.ok(queries > 0, 'the resolver asked the silent server');
    assert.ok(ms < 4500, `took ${ms} ms`);
    assert.notEqual(report.verdict.cause, 'ok');
  });

  it("without a run bound: hostname-unresolved after the probe's own 3 s, not the resolver's timeouts", async function () {
    this.timeout(60_000);
    const { ms, report } = await probe([]);
    const result = report.results.find((r) => r.id === 'hostname-resolution');
    assert.equal(result?.cause, 'hostname-unresolved', JSON.stringify(result));
    assert.match(result?.summary ?? '', /did not finish within \d+ ms/);
    assert.ok(ms < 8000, `took ${ms} ms`);
  });
});
