/**
 * Issue 10 item 3: a staged root is data. Each directive below would make ssh (or nix through ssh)
 * run a program of the staged files on this machine; the program only creates a marker file.
 * Without --trust-root: no marker, and the CLI names the directive and its file:line. With
 * --trust-root: the old behaviour (ssh runs it). Real ssh and Nix; the builder is a closed port.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../../src/cli/io.js';
import { runProbeCommand } from '../../../src/cli/commands/probe.js';
import { runReportCommand } from '../../../src/cli/commands/report.js';
import { runTestCommand } from '../../../src/cli/commands/test.js';
import type { ProbeReport } from '../../../src/protocol/probes.js';
import { itemAt } from '../../util/itemAt.js';

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

interface Scenario {
  name: string;
  /** What the refusal names (directive and file:line, relative to the staged root). */
  names: RegExp;
  stage(root: string, mark: string): void;
}

const HOST_BLOCK = 'Host linux-builder\n  User builder\n  Hostname 127.0.0.1\n  Port 9\n';

const SCENARIOS: Scenario[] = [
  {
    name: 'Match exec in an Included drop-in (ssh -G runs it)',
    names: /Match exec at \S*\/etc\/ssh\/ssh_config\.d\/100-linux-builder\.conf:5/,
    stage(root, mark) {
      writeFileSync(join(root, 'etc/ssh/ssh_config'), `Include ${root}/etc/ssh/ssh_config.d/*\n`);
      writeFileSync(
        join(root, 'etc/ssh/ssh_config.d/100-linux-builder.conf'),
        `${HOST_BLOCK}match Exec "${mark}"\n  Port 10\n`,
      );
    },
  },
  {
    name: "ProxyCommand=… in root's own config (the login runs it)",
    names: /ProxyCommand at \S*\/var\/root\/\.ssh\/config:5/,
    stage(root, mark) {
      writeFileSync(join(root, 'var/root/.ssh/config'), `${HOST_BLOCK}  proxycommand=${mark} %h %p\n`);
    },
  },
  {
    name: "ProxyCommand in the nix-daemon's NIX_SSHOPTS (nix.envVars)",
    names: /ProxyCommand in NIX_SSHOPTS of \S*\/Library\/LaunchDaemons\/org\.nixos\.nix-daemon\.plist/,
    stage(root, mark) {
      writeFileSync(join(root, 'etc/ssh/ssh_config'), HOST_BLOCK);
      writeFileSync(
        join(root, 'Library/LaunchDaemons/org.nixos.nix-daemon.plist'),
        `<?xml version="1.0"?><plist version="1.0"><dict><key>EnvironmentVariables</key><dict><key>NIX_SSHOPTS</key><string>-oProxyCommand=${mark}</string></dict></dict></plist>\n`,
      );
    },
  },
];

function stage(scenario: Scenario): { root: string; marker: string; dispose: () => void } {
  const base = mkdtempSync(join(tmpdir(), 'lbd-directive-'));
  const root = join(base, 'mac');
  for (const d of ['etc/ssh/ssh_config.d', 'etc/nix', 'var/root/.ssh', 'Library/LaunchDaemons'])
    mkdirSync(join(root, d), { recursive: true });
  const marker = join(base, 'MARKER');
  const script = join(base, 'mark');
  writeFileSync(script, `#!/bin/sh\ntouch '${marker}'\nexit 1\n`, { mode: 0o755 });
  writeFileSync(join(root, 'etc/nix/machines'), 'ssh-ng://builder@linux-builder x86_64-linux - 1 1 - - -\n');
  writeFileSync(join(root, 'etc/nix/nix.conf'), '');
  scenario.stage(root, script);
  return { root, marker, dispose: () => rmSync(base, { recursive: true, force: true }) };
}

describe('a staged root is read, not executed (issue 10 item 3)', function () {
  this.timeout(60_000);

  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: probe and report run nothing from it and name the directive`, async function () {
      const staged = stage(scenario);
      try {
        const probe = fakeIo(staged.root);
        assert.equal(
          await runProbeCommand(['--root', staged.root, '--format', 'json', '--timeout-ms', '15000'], probe),
          1,
        );
        assert.equal(existsSync(staged.marker), false, 'the staged command ran');
        assert.match(probe.err, scenario.names, 'stderr names the directive and where it is');
        assert.match(probe.err, /--trust-root/);
        const report = JSON.parse(probe.out) as ProbeReport;
        assert.equal(report.verdict.cause, 'unknown', JSON.stringify(report.verdict));
        assert.match(report.verdict.summary, /not checked to the end: ssh was not run on the staged root/);
        assert.match(report.verdict.summary, scenario.names);
        const refused = report.results
          .filter((r) => r.status === 'skip' && /was not run on the staged root/.test(r.summary))
          .map((r) => r.id);
        assert.ok(
          refused.includes('ssh-effective-config') || refused.includes('ssh-login'),
          `refused: ${refused.join(', ')}`,
        );
        const md = fakeIo(staged.root);
        await runReportCommand(['--root', staged.root, '--timeout-ms', '15000'], md);
        assert.equal(existsSync(staged.marker), false, 'report ran the staged command');
        assert.match(md.out, /not checked to the end/);
      } finally {
        staged.dispose();
      }
    });

    it(`${scenario.name}: with --trust-root ssh runs it as before, and the evidence says so`, async function () {
      const staged = stage(scenario);
      try {
        const probe = fakeIo(staged.root);
        await runProbeCommand(
          ['--root', staged.root, '--format', 'json', '--timeout-ms', '15000', '--trust-root', '--no-redact'],
          probe,
        );
        assert.equal(existsSync(staged.marker), true, 'trusted: ssh runs the directive (the old behaviour)');
        assert.doesNotMatch(probe.err, /not running/);
        assert.match(probe.out, /warning: (Match exec|ProxyCommand) .* runs a command on this machine/);
      } finally {
        staged.dispose();
      }
    });
  }

  it('test --root refuses too (nix-build would connect through the staged ssh config)', async function () {
    const staged = stage(itemAt(SCENARIOS, 0));
    try {
      const io = fakeIo(staged.root);
      assert.equal(
        await runTestCommand(
          ['--root', staged.root, '--system', 'x86_64-linux', '--timeout-ms', '20000'],
          io,
        ),
        1,
      );
      assert.equal(existsSync(staged.marker), false);
      assert.match(io.out, /not built: nix-build was not run on the staged root: Match exec at/);
    } finally {
      staged.dispose();
    }
  });

  it('--trust-root needs --root, and takes no value', async function () {
    const io = fakeIo(tmpdir());
    assert.equal(await runProbeCommand(['--trust-root'], io), 2);
    assert.equal(await runProbeCommand(['--root', tmpdir(), '--trust-root=yes'], io), 2);
    assert.match(io.err, /--trust-root only applies with --root/);
  });
});
