/**
 * The builder ssh-effective-config looks at ahead, before Nix says what `builders` is
 * (likelyVmTarget in src/probes/checks/machinesFile.ts): read from nix.conf, NIX_CONFIG and the
 * machines files alone, and only nix-darwin's or Determinate's VM, so nothing connects ahead to a
 * host the run would not check. Staged roots (docs/dev/testing.md).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProbeContext } from '../../../src/probes/context.js';
import { likelyVmTarget } from '../../../src/probes/checks/machinesFile.js';

const DARWIN_LINE = 'ssh-ng://builder@linux-builder aarch64-linux /etc/nix/builder_ed25519 4 1 kvm - -';

describe('the builder looked at ahead (likelyVmTarget)', function () {
  let root: string;
  beforeEach(function () {
    root = mkdtempSync(join(tmpdir(), 'lbd-likely-'));
    mkdirSync(join(root, 'etc/nix'), { recursive: true });
    mkdirSync(join(root, 'var/root'), { recursive: true });
  });
  afterEach(function () {
    rmSync(root, { recursive: true, force: true });
  });

  const likely = (nixConf: string, env: NodeJS.ProcessEnv = {}, builderHost?: string) => {
    writeFileSync(join(root, 'etc/nix/nix.conf'), nixConf);
    // This machine's NIX_CONFIG is not the staged Mac's.
    const base = { ...process.env };
    delete base.NIX_CONFIG;
    const ctx = new ProbeContext({
      root,
      env: { ...base, ...env },
      deadline: Date.now() + 10_000,
      builderHost,
    });
    return likelyVmTarget(ctx);
  };

  it("nix-darwin's machines file, which Nix reads when nothing sets builders: its VM, as machines-file names it", function () {
    writeFileSync(join(root, 'etc/nix/machines'), `# generated\n${DARWIN_LINE}\n`);
    const target = likely('sandbox = true\n');
    assert.equal(target?.uri, 'ssh-ng://builder@linux-builder');
    assert.equal(target?.user, 'builder');
    assert.equal(target?.sshKey, '/etc/nix/builder_ed25519');
    assert.equal(target?.source, '/etc/nix/machines line 2');
  });

  it('the last `builders` of nix.conf wins, and NIX_CONFIG over it', function () {
    writeFileSync(join(root, 'etc/nix/machines'), `${DARWIN_LINE}\n`);
    writeFileSync(join(root, 'etc/nix/vm'), DARWIN_LINE.replace('/etc/nix/builder_ed25519', '/var/key'));
    const fromFile = likely(`builders = @${root}/etc/nix/machines\nbuilders = @${root}/etc/nix/vm\n`);
    assert.equal(fromFile?.sshKey, '/var/key');
    assert.equal(likely(`builders = @${root}/etc/nix/vm\n`, { NIX_CONFIG: 'builders =' }), undefined);
  });

  it('no builder, another builder than the VM, or another one asked for: nothing is looked at ahead', function () {
    assert.equal(likely('builders =\n'), undefined, 'builders empty (nix.distributedBuilds = false)');
    assert.equal(likely('sandbox = true\n'), undefined, 'no machines file');
    writeFileSync(join(root, 'etc/nix/machines'), 'ssh://mac-mini x86_64-linux\n');
    assert.equal(likely('sandbox = true\n'), undefined, 'a builder of its own');
    writeFileSync(join(root, 'etc/nix/machines'), `ssh://mac-mini x86_64-linux\n${DARWIN_LINE}\n`);
    assert.equal(likely('sandbox = true\n')?.host, 'linux-builder', 'the VM first, as machines-file chooses');
    assert.equal(likely('sandbox = true\n', {}, 'mac-mini'), undefined, '--builder mac-mini');
  });
});
