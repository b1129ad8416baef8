/**
 * A key this account may not look at is not a missing key. The real CLI runs as `nobody`
 * (setpriv) on a staged root whose key sits in a root-only folder: stat says EACCES, and the probe
 * must say that only root can tell (with the command), never "does not exist". Needs root to set
 * up (fails under CI without it, like the loopback suite).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ProbeReport } from '../../../src/protocol/probes.js';
import { distCliBundles } from '../../util/paths.js';
import { findExecutable } from '../../util/prerequisites.js';

describe('builder key in a folder this account may not read', function () {
  let dir: string;
  before(function () {
    if (process.getuid?.() !== 0 || findExecutable('setpriv') === null) {
      if (process.env.CI === 'true') throw new Error('needs root and setpriv to run the CLI as another user');
      console.warn('  SKIPPED: needs root and setpriv to run the CLI as another user');
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'lbd-key-access-'));
    chmodSync(dir, 0o755);
    // (The CLI with the bundles it loads, where the other user can read them.)
    for (const bundle of distCliBundles()) {
      copyFileSync(bundle, join(dir, basename(bundle)));
      chmodSync(join(dir, basename(bundle)), 0o644);
    }
    const root = join(dir, 'root');
    for (const d of ['etc/ssh/ssh_config.d', 'etc/nix', 'var/root/.ssh', 'secret'])
      mkdirSync(join(root, d), { recursive: true, mode: 0o755 });
    writeFileSync(join(root, 'etc/ssh/ssh_config'), '');
    writeFileSync(join(root, 'etc/nix/nix.conf'), '');
    writeFileSync(join(root, 'secret/builder_ed25519'), 'not a key: never read\n', { mode: 0o600 });
    chmodSync(join(root, 'secret'), 0o700);
    writeFileSync(
      join(root, 'etc/nix/machines'),
      `ssh-ng://builder@linux-builder x86_64-linux ${join(root, 'secret/builder_ed25519')} 1 1 - - -\n`,
    );
  });
  after(function () {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('says only root can see it (needs-admin with the command), not key-missing', async function () {
    this.timeout(20_000);
    const run = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile(
        'setpriv',
        [
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          process.execPath,
          join(dir, 'cli.cjs'),
          'probe',
          '--root',
          join(dir, 'root'),
          '--only',
          'builder-key',
          '--format',
          'json',
          '--no-redact',
        ],
        {
          env: { PATH: process.env.PATH ?? '', HOME: dir },
          cwd: dir,
          timeout: 15_000,
        },
        (_error, stdout, stderr) => resolve({ stdout, stderr }),
      );
    });
    const report = JSON.parse(run.stdout) as ProbeReport;
    const key = report.results.find((r) => r.id === 'builder-key');
    assert.equal(key?.status, 'needs-admin', JSON.stringify(key));
    assert.notEqual(key?.cause, 'key-missing');
    assert.match(key?.summary ?? '', /may not read \(EACCES\)/);
    // --no-redact: the key lies under this run's HOME, which redacted output shows as `~`.
    assert.deepEqual(key?.fix?.commands, [`sudo ls -l -- ${join(dir, 'root/secret/builder_ed25519')}`]);
  });
});
