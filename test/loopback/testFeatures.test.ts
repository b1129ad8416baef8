/**
 * `test --features F,…` against the loopback builder (real sshd and Nix, docs/dev/testing.md#a-loopback-builder), whose
 * machines line offers kvm,benchmark,big-parallel: a derivation requiring an offered feature builds
 * there; one requiring a feature the line does not offer (nixos-test, as NixOS tests need) fails
 * with the missing-features cause and the supportedFeatures fix.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { distCli } from '../util/paths.js';
import { requireTools } from '../util/prerequisites.js';
import { LoopbackBuilder, stageMac } from './loopbackBuilder.js';

function cli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [distCli, ...args],
      { env, timeout: 120_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : null,
          stdout,
          stderr,
        });
      },
    );
  });
}

describe('test --features against a loopback builder (real sshd, ssh and Nix)', function () {
  let builder: LoopbackBuilder | undefined;

  before(async function () {
    requireTools(this, ['sshd', 'ssh', 'ssh-keygen', 'ssh-keyscan', 'unshare', 'nix', 'nix-build']);
    if (process.getuid?.() !== 0) {
      if (process.env.CI === 'true') throw new Error('the loopback suite must run as root');
      console.warn('  SKIPPED: the loopback suite needs root');
      this.skip();
    }
    this.timeout(30_000);
    builder = await LoopbackBuilder.start();
  });

  after(function () {
    builder?.dispose();
  });

  it('a feature the machines line offers (big-parallel): built on the builder', async function () {
    assert.ok(builder);
    const mac = stageMac(builder, 'features-offered', {});
    const run = await cli(['test', '--root', mac.root, '--features', 'big-parallel'], mac.env);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(
      run.stdout,
      /^ok: built x86_64-linux with the features \{big-parallel\} on ssh-ng:\/\/builder@linux-builder/m,
    );
    assert.match(run.stdout, /kernel: Linux version /);
  });

  it('a feature it does not offer (nixos-test): missing-features, with the supportedFeatures fix', async function () {
    assert.ok(builder);
    const mac = stageMac(builder, 'features-missing', {});
    const run = await cli(['test', '--root', mac.root, '--features', 'kvm,nixos-test'], mac.env);
    assert.equal(run.code, 1, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /^cause: missing-features$/m);
    assert.match(run.stdout, /\{kvm, nixos-test\}/);
    assert.match(run.stdout, /supportedFeatures = \[ "kvm" "benchmark" "big-parallel" "nixos-test" \]/);
  });

  it('refuses a feature name that is not one (it would be written into the Nix expression)', async function () {
    assert.ok(builder);
    const mac = stageMac(builder, 'features-bad', {});
    const run = await cli(['test', '--root', mac.root, '--features', 'kvm"; x = "'], mac.env);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--features .*expected names like kvm,nixos-test/);
  });
});
