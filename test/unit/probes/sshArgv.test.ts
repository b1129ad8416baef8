/**
 * The ssh argv the login and remote-Nix probes run: a destination from the machines file that
 * starts with `-` must be a destination, never an option, whatever ran before it (`ssh -G` may or
 * may not have refused it). Real OpenSSH runs the argv; a ProxyCommand option would create a file.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProbeContext, type BuilderTarget } from '../../../src/probes/context.js';
import { requireTools } from '../../util/prerequisites.js';

describe('ssh argv: options first, the destination after --', function () {
  let root: string;
  let cwd: string;
  let ctx: ProbeContext;
  before(function () {
    requireTools(this, ['ssh']);
  });
  beforeEach(function () {
    root = mkdtempSync(join(tmpdir(), 'lbd-argv-'));
    cwd = join(root, 'cwd');
    for (const d of ['etc/ssh/ssh_config.d', 'var/root/.ssh', 'etc/nix'])
      mkdirSync(join(root, d), { recursive: true });
    mkdirSync(cwd);
    writeFileSync(join(root, 'etc/ssh/ssh_config'), '');
    ctx = new ProbeContext({ root, env: process.env, deadline: Date.now() + 30_000 });
  });
  afterEach(function () {
    ctx.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  const target = (host: string, user?: string): BuilderTarget => ({
    uri: `ssh-ng://${host}`,
    scheme: 'ssh-ng',
    host,
    systems: [],
    source: 'test',
    sshKey: '/etc/nix/builder_ed25519',
    port: 31022,
    ...(user !== undefined ? { user } : {}),
  });

  it('puts every option before -- and the destination right after it, then the remote command', function () {
    const argv = ctx.nixLikeSshArgv(target('linux-builder', 'builder'), ['nix-store', '--version']);
    const end = argv.indexOf('--');
    assert.deepEqual(argv.slice(end), ['--', 'builder@linux-builder', 'nix-store', '--version']);
    for (const option of ['-x', '-i', '-p', '-oBatchMode=yes'])
      assert.ok(argv.indexOf(option) > 0 && argv.indexOf(option) < end, option);
  });

  for (const [host, user] of [
    ['-oProxyCommand=touch PWNED', undefined],
    ['linux-builder', '-oProxyCommand=touch PWNED'],
  ] as const) {
    it(`a ${user === undefined ? 'host' : 'user'} like ${JSON.stringify(user ?? host)} runs nothing with the real ssh`, function () {
      this.timeout(15_000);
      const argv = ctx.nixLikeSshArgv(target(host, user), ['true']);
      const r = spawnSync(argv[0] ?? 'ssh', argv.slice(1), {
        cwd,
        encoding: 'utf8',
        timeout: 10_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      assert.deepEqual(readdirSync(cwd), [], `ssh ran the ProxyCommand: ${r.stderr}`);
      assert.notEqual(r.status, 0);
    });
  }
});
