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
import { distCli, projectRoot } from '../../util/paths.js';
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
    // Gives up sooner: a process holding a lookup can only exit once it does (nameLookup.ts).
    writeFileSync(
      join(dir, 'resolv-short.conf'),
      `nameserver ${SILENT_SERVER}\noptions timeout:2 attempts:1\n`,
    );
  });
  after(function () {
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** `command` with /etc/resolv.conf replaced, in its own mount namespace: stdout and wall time. */
  function withSilentResolver(
    command: string[],
    resolvConf = 'resolv.conf',
  ): Promise<{ ms: number; stdout: string; stderr: string }> {
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
      join(dir, resolvConf),
      ...command,
    ];
    return new Promise((resolve) => {
      execFile('unshare', argv, { timeout: 60_000 }, (_error, stdout, stderr) =>
        resolve({ ms: Date.now() - started, stdout, stderr }),
      );
    });
  }

  /** The CLI with that resolver; wall time included. */
  async function probe(extra: string[]): Promise<{ ms: number; report: ProbeReport; stderr: string }> {
    const { ms, stdout, stderr } = await withSilentResolver([
      process.execPath,
      distCli,
      'probe',
      '--root',
      join(dir, 'root'),
      '--format',
      'json',
      ...extra,
    ]);
    try {
      return { ms, report: JSON.parse(stdout) as ProbeReport, stderr };
    } catch (e) {
      throw new Error(`${String(e)}\nstdout: ${stdout}\nstderr: ${stderr}`);
    }
  }

  it('--timeout-ms 2000: the CLI exits within its bound', async function () {
    this.timeout(60_000);
    // What starting and ending the CLI costs on this machine now, in the same wrapper: the bound
    // is on the run, and a loaded machine (the suites in parallel) slows the rest alike. A second
    // more is too much: a timer left running after the shared SSH master was stopped once kept
    // the process alive for one (sharedSsh.ts).
    const startup = (await withSilentResolver([process.execPath, distCli, '--version'])).ms;
    const { ms, report } = await probe(['--timeout-ms', '2000']);
    assert.ok(queries > 0, 'the resolver asked the silent server');
    assert.ok(ms < 2000 + startup + 1000, `took ${ms} ms (starting and ending the CLI: ${startup} ms)`);
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

  it('in a long-lived process a lookup still waiting on the resolver is the only one: the next goes to a child process, killed at its bound', async function () {
    this.timeout(60_000);
    // What the language server does on two runs in a row, in a process of its own: bound 300 ms,
    // while the resolver gives up after 2 s, so the first lookup still holds its thread for the second.
    const lookupModule = join(projectRoot, 'out/src/probes/nameLookup.js');
    const execModule = join(projectRoot, 'out/src/probes/exec.js');
    const script = `
      const { lookupName, lookupPending } = await import(${JSON.stringify(lookupModule)});
      const { runCommand } = await import(${JSON.stringify(execModule)});
      const children = [];
      const run = (argv, timeoutMs, env) => (children.push(argv[0]), runCommand(argv, { timeoutMs, env }));
      const name = 'lbd-silent-dns.example';
      const first = await lookupName(name, 300, undefined, process.env, run);
      const held = lookupPending();
      const second = await lookupName(name, 300, undefined, process.env, run);
      const inChild = await lookupName(name, 300, undefined, process.env, run, true);
      console.log(JSON.stringify({ first: first.kind, held, second: second.kind, inChild: inChild.kind, children }));
      process.exit(0);`;
    const { stdout, stderr } = await withSilentResolver(
      [process.execPath, '--input-type=module', '-e', script],
      'resolv-short.conf',
    );
    let seen: unknown;
    try {
      seen = JSON.parse(stdout);
    } catch {
      throw new Error(`stdout: ${stdout}\nstderr: ${stderr}`);
    }
    assert.deepEqual(seen, {
      first: 'timeout',
      held: true,
      second: 'timeout',
      inChild: 'timeout',
      children: [process.execPath, process.execPath],
    });
  });
});
