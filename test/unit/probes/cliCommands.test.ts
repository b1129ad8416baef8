import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../../src/cli/io.js';
import { runProbeCommand } from '../../../src/cli/commands/probe.js';
import { runReportCommand } from '../../../src/cli/commands/report.js';
import { runTestCommand } from '../../../src/cli/commands/test.js';
import type { ProbeReport } from '../../../src/protocol/probes.js';

function fakeIo(cwd: string): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    cwd,
    env: process.env,
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
  };
  return io;
}

describe('probe / test / report commands (CLI contract)', function () {
  let root: string;
  beforeEach(function () {
    root = mkdtempSync(join(tmpdir(), 'lbd-cli-'));
    mkdirSync(join(root, 'etc/nix'), { recursive: true });
    writeFileSync(join(root, 'etc/nix/nix.conf'), '');
  });
  afterEach(function () {
    rmSync(root, { recursive: true, force: true });
  });

  for (const [name, args] of [
    ['an unknown option', ['--colour', 'red']],
    ['a bad --format', ['--format', 'yaml']],
    ['an unknown probe id', ['--only', 'ssh-login,teleport']],
    ['a non-numeric timeout', ['--timeout-ms', 'soon']],
    ['a missing root dir', ['--root', '/definitely/not/here']],
    ['an option without its value', ['--root']],
    ['a stray argument', ['extra']],
  ] as const) {
    it(`probe exits 2 on ${name}, with the message on stderr and nothing on stdout`, async function () {
      const io = fakeIo(root);
      assert.equal(await runProbeCommand([...args], io), 2);
      assert.equal(io.out, '');
      assert.match(io.err, /^linux-builder-doctor probe: /);
    });
  }

  it('probe --format json prints exactly the report on stdout; exit 1 when the verdict is not ok', async function () {
    const io = fakeIo(root);
    const code = await runProbeCommand(['--format=json', '--root', '.'], io);
    assert.equal(code, 1);
    const report = JSON.parse(io.out) as ProbeReport;
    assert.equal(report.verdict.cause, 'no-builder-configured');
    assert.equal(io.err, '', 'no progress text in JSON mode');
  });

  it('probe --only runs the selection; text shows progress and the verdict', async function () {
    const io = fakeIo(root);
    const code = await runProbeCommand(['--root', root, '--only', 'platform'], io);
    assert.equal(code, 0);
    assert.match(io.err, /^\[1\/1\] ✓ platform: /);
    assert.match(io.out, /^verdict: ok$/m);
  });

  it('test and report reject bad options with exit 2', async function () {
    const io = fakeIo(root);
    assert.equal(await runTestCommand(['--system', 'not a system'], io), 2);
    assert.equal(await runTestCommand(['--format', 'json'], io), 2);
    assert.equal(await runReportCommand(['--only', 'platform'], io), 2);
    assert.equal(io.out, '');
  });

  it('report prints Markdown with the verdict', async function () {
    const io = fakeIo(root);
    assert.equal(await runReportCommand(['--root', root], io), 1);
    assert.match(io.out, /^# Linux Builder Doctor report/);
    assert.match(io.out, /\*\*no-builder-configured\*\*/);
  });
});
