/**
 * Not root: root's view is reached with `sudo -n`; where sudo would ask for a password the probe
 * says `needs-admin` with the exact command, and nothing prompts. Runs the real CLI as `nobody`
 * (setpriv) with a fake `sudo` on PATH that answers like sudo -n without cached credentials.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ProbeReport } from '../../../src/protocol/probes.js';
import { distCliBundles } from '../../util/paths.js';
import { findExecutable } from '../../util/prerequisites.js';

describe('privileges: sudo -n, never a prompt', function () {
  let dir: string;
  before(function () {
    if (process.getuid?.() !== 0 || findExecutable('setpriv') === null) {
      console.warn('  SKIPPED: needs root and setpriv to run the CLI as another user');
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'lbd-priv-'));
    chmodSync(dir, 0o755);
    // The checkout may sit in a folder `nobody` cannot enter (mktemp -d makes 0700 folders): run a
    // copy of the CLI bundles from here, with this folder as the working directory.
    // (The CLI with the bundles it loads, where the other user can read them.)
    for (const bundle of distCliBundles()) {
      copyFileSync(bundle, join(dir, basename(bundle)));
      chmodSync(join(dir, basename(bundle)), 0o644);
    }
    writeFileSync(
      join(dir, 'sudo'),
      '#!/bin/sh\n[ "$1" = "-n" ] || { echo "test sudo: called without -n" >&2; exit 99; }\necho "sudo: a password is required" >&2\nexit 1\n',
      { mode: 0o755 },
    );
  });
  after(function () {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a non-root user gets needs-admin with the exact sudo command to run', async function () {
    this.timeout(20_000);
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'setpriv',
        [
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          process.execPath,
          join(dir, 'cli.cjs'),
          'probe',
          '--builder',
          'linux-builder',
          '--format',
          'json',
        ],
        {
          env: { PATH: `${dir}:${process.env.PATH ?? ''}`, HOME: dir },
          cwd: dir,
          timeout: 15_000,
        },
        (error, stdout, stderr) =>
          resolve({
            code: error === null ? 0 : typeof error.code === 'number' ? error.code : null,
            stdout,
            stderr,
          }),
      );
    });
    assert.notEqual(run.stdout, '', `no JSON on stdout; stderr: ${run.stderr}`);
    const report = JSON.parse(run.stdout) as ProbeReport;
    assert.equal(run.code, 1);
    assert.equal(
      report.verdict.cause,
      'needs-admin',
      JSON.stringify(report.results.map((r) => [r.id, r.status, r.summary])),
    );
    assert.match(report.verdict.summary, /sudo ssh -G -- linux-builder/);
    assert.deepEqual(report.verdict.fix?.commands, ['sudo ssh -G -- linux-builder']);
    const effective = report.results.find((r) => r.id === 'ssh-effective-config');
    assert.equal(effective?.status, 'needs-admin');
    assert.deepEqual(effective?.evidence[0]?.argv?.slice(0, 3), ['sudo', '-n', 'ssh']);
  });
});
