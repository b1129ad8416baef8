/**
 * Issue 10 item 2: `report` and `probe --format json` against staged roots full of planted secrets
 * (test/fixtures/hostile/secrets/): not one planted string may come out, and paths that only look
 * like a home folder (`/x/roots/y` with HOME=/root) come out untouched. Real ssh and Nix run
 * against the staged files (the builder is a closed port, so every run ends quickly).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { CliIo } from '../../../src/cli/io.js';
import { runProbeCommand } from '../../../src/cli/commands/probe.js';
import { runReportCommand } from '../../../src/cli/commands/report.js';
import type { ProbeReport } from '../../../src/protocol/probes.js';
import { assertNoSecret, lines, scenarios, SECRETS_DIR, stageSecrets } from '../../util/secretsCorpus.js';

function fakeIo(cwd: string, home: string): CliIo & { out: string; err: string } {
  // HOME=/root: the home folder whose name is a prefix of unrelated path components (`/x/roots/y`).
  const io = {
    out: '',
    err: '',
    cwd,
    env: { ...process.env, HOME: home },
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
  };
  return io;
}

describe('planted secrets never reach report or probe --format json (issue 10 item 2)', function () {
  this.timeout(60_000);

  it('the corpus has scenarios and every one plants secrets', function () {
    const all = scenarios();
    assert.ok(all.length >= 6, `scenarios: ${all.join(', ')}`);
    for (const name of all) assert.ok(lines(join(SECRETS_DIR, name, 'secrets.txt')).length > 0, name);
  });

  for (const scenario of scenarios()) {
    for (const extra of [[], ['--trust-root']]) {
      const label = `${scenario}${extra.length > 0 ? ' (--trust-root: ssh and nix run on the staged files)' : ''}`;
      it(`${label}: report and probe --format json carry none of the planted secrets`, async function () {
        const staged = stageSecrets(scenario);
        try {
          const report = fakeIo(staged.root, '/root');
          await runReportCommand(['--root', staged.root, '--timeout-ms', '15000', ...extra], report);
          assert.match(report.out, /^# Linux Builder Doctor report/, report.err);
          assertNoSecret(report.out + report.err, staged.secrets, 'report');
          const probe = fakeIo(staged.root, '/root');
          await runProbeCommand(
            ['--root', staged.root, '--format', 'json', '--timeout-ms', '15000', ...extra],
            probe,
          );
          const parsed = JSON.parse(probe.out) as ProbeReport;
          assert.ok(parsed.results.length > 5, 'the chain ran');
          assertNoSecret(probe.out + probe.err, staged.secrets, 'probe --format json');
          for (const text of staged.survives) {
            assert.ok(report.out.includes(text), `report keeps ${text} untouched:\n${report.out}`);
            assert.ok(probe.out.includes(text), `probe json keeps ${text} untouched`);
          }
        } finally {
          staged.dispose();
        }
      });
    }
  }

  it("--no-redact shows the raw values (for debugging on one's own machine)", async function () {
    const staged = stageSecrets('machines-password');
    try {
      const probe = fakeIo(staged.root, '/root');
      await runProbeCommand(
        ['--root', staged.root, '--format', 'json', '--timeout-ms', '15000', '--no-redact'],
        probe,
      );
      assert.match(probe.out, /MACHINEPW-hunter2-41/);
      const bad = fakeIo(staged.root, '/root');
      assert.equal(await runProbeCommand(['--no-redact=yes'], bad), 2);
    } finally {
      staged.dispose();
    }
  });
});
