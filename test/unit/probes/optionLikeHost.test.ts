/**
 * A machines entry whose host or user starts with `-` (docs/dev/security.md#the-language-server-after-shutdown-and-sshs-argv):
 * Nix runs `ssh <user@host> -x …` with the destination first and no `--`, so real OpenSSH reads
 * such a host as an option and runs a ProxyCommand. Our probes put it after `--`
 * (sshArgv.test.ts); `test`, whose nix-build would run Nix's ssh, refuses it with the reason.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../../src/cli/io.js';
import { runTestCommand } from '../../../src/cli/commands/test.js';
import { requireTools } from '../../util/prerequisites.js';

function fakeIo(cwd: string, env: NodeJS.ProcessEnv): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    cwd,
    env,
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
  };
  return io;
}

describe('a machines host or user that starts with "-"', function () {
  this.timeout(60_000);
  let base: string;
  let marker: string;
  let script: string;
  before(function () {
    requireTools(this, ['ssh']);
  });
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'lbd-dashhost-'));
    marker = join(base, 'MARKER');
    // A command without a `/` (a URI's path would start there), found on PATH.
    script = 'lbd-mark';
    writeFileSync(join(base, script), `#!/bin/sh\ntouch '${marker}'\nexit 1\n`, { mode: 0o755 });
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  const withMark = (): NodeJS.ProcessEnv => ({ ...process.env, PATH: `${base}:${process.env.PATH ?? ''}` });

  function stageRoot(uri: string): string {
    const root = join(base, 'mac');
    for (const d of ['etc/ssh/ssh_config.d', 'etc/nix', 'var/root/.ssh', 'Library/LaunchDaemons'])
      mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, 'etc/ssh/ssh_config'), '');
    writeFileSync(join(root, 'etc/nix/nix.conf'), '');
    writeFileSync(join(root, 'etc/nix/machines'), `${uri} x86_64-linux - 1 1 - - -\n`);
    return root;
  }

  it("is an option to ssh in Nix's order (destination first, no --): the premise, with the real ssh", () => {
    const r = spawnSync('ssh', [`-oProxyCommand=${script}`, '-x', '-oBatchMode=yes', 'true'], {
      cwd: base,
      env: withMark(),
      encoding: 'utf8',
      timeout: 15_000,
    });
    assert.notEqual(r.status, 0);
    assert.equal(existsSync(marker), true, `ssh did not take it as an option: ${r.stderr}`);
  });

  for (const [what, uri] of [
    ['host', (s: string) => `ssh-ng://-oProxyCommand=${s}`],
    ['user', (s: string) => `ssh://-oProxyCommand=${s}@linux-builder`],
  ] as const) {
    for (const trust of [false, true]) {
      it(`as the ${what}: test refuses to build, names the entry and runs nothing${trust ? ' (even with --trust-root)' : ''}`, async () => {
        const root = stageRoot(uri(script));
        const io = fakeIo(root, withMark());
        const args = ['--root', root, '--system', 'x86_64-linux', '--timeout-ms', '20000'];
        assert.equal(await runTestCommand(trust ? [...args, '--trust-root'] : args, io), 1);
        assert.equal(existsSync(marker), false, 'the ProxyCommand ran');
        assert.match(
          io.out,
          new RegExp(
            `not built: the machines entry on line 1 has the ${what} "-oProxyCommand=lbd-mark", which starts with "-": Nix passes the destination to ssh before its options`,
          ),
        );
      });
    }
  }
});
