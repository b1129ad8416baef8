/**
 * Determinate's native Linux builder is an `external-builders` entry run by determinate-nixd, not
 * an SSH line in /etc/nix/machines (docs/dev/domain.md#determinate-nix): read it, never run it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nixConfDirectivesIn } from '../../../src/probes/commandDirectives.js';
import { isDeterminateNative, readExternalBuilders } from '../../../src/probes/externalBuilders.js';
import { fixFor } from '../../../src/probes/fixes.js';
import { builderSystem } from '../../../src/probes/testBuild.js';

const NATIVE =
  'external-builders = [{"systems":["aarch64-linux","x86_64-linux"],"program":"/usr/local/bin/determinate-nixd","args":["builder"]}]';

describe("Determinate's native builder (external-builders)", function () {
  let dir: string;
  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), 'lbd-external-'));
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it('is read from nix.conf and the files it includes (Determinate keeps settings in nix.custom.conf)', function () {
    writeFileSync(join(dir, 'nix.conf'), 'sandbox = true\n!include nix.custom.conf\n');
    writeFileSync(join(dir, 'nix.custom.conf'), `${NATIVE}\n`);
    const found = readExternalBuilders([join(dir, 'nix.conf')]);
    assert.equal(found.length, 1);
    assert.deepEqual(found[0]?.systems, ['aarch64-linux', 'x86_64-linux']);
    assert.equal(found[0]?.file, join(dir, 'nix.custom.conf'));
    assert.ok(found[0] !== undefined && isDeterminateNative(found[0]));
  });

  it('malformed JSON is no builder', function () {
    writeFileSync(join(dir, 'nix.conf'), 'external-builders = [{"systems": \n');
    assert.deepEqual(readExternalBuilders([join(dir, 'nix.conf')]), []);
  });

  it('is a setting that runs a program: refused on an untrusted staged root', function () {
    assert.deepEqual(nixConfDirectivesIn(`${NATIVE}\n`), [{ keyword: 'external-builders', line: 1 }]);
  });

  it('the VM-based one gets its restart command (launchd label org.nixos.nixos-vm-based-linux-builder)', function () {
    const fix = fixFor('builder-down', { determinateVm: true, host: 'nixos-vm-based-linux-builder' });
    assert.ok(
      fix?.commands?.includes('sudo launchctl kickstart -k system/org.nixos.nixos-vm-based-linux-builder'),
      JSON.stringify(fix),
    );
  });
});

describe('the system a test build asks for', function () {
  it("with no SSH builder, one the native builder takes (the build then goes through it); an SSH builder's own first", function () {
    const native = {
      systems: ['x86_64-linux'],
      program: '/usr/local/bin/determinate-nixd',
      args: ['builder'],
      file: '/etc/nix/nix.conf',
    };
    assert.equal(builderSystem({ otherTargets: [], externalBuilders: [native] }), 'x86_64-linux');
    assert.equal(
      builderSystem({
        otherTargets: [],
        externalBuilders: [native],
        target: { uri: 'ssh-ng://b@h', scheme: 'ssh-ng', host: 'h', systems: ['riscv64-linux'], source: 'x' },
      }),
      'riscv64-linux',
    );
  });
});
