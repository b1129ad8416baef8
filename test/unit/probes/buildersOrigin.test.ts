/**
 * Which file's `builders` Nix uses (NixOS/nix src/libstore/globals.cc loadConfFile): the system
 * nix.conf, then the user's files applied in reverse of their list (the first listed wins), then
 * NIX_CONFIG. An empty `builders` from the user's own file is not nix-darwin's distributedBuilds.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildersOrigin,
  lastBuildersLine,
  nixConfFiles,
} from '../../../src/probes/checks/buildersSetting.js';

describe('where the effective builders setting comes from', function () {
  let dir: string;
  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), 'lbd-builders-origin-'));
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads files in the order Nix applies them: system, XDG_CONFIG_DIRS (last first), then ~/.config', function () {
    assert.deepEqual(nixConfFiles('/etc/nix', { XDG_CONFIG_DIRS: '/a:/b' }, '/home/u'), [
      '/etc/nix/nix.conf',
      '/b/nix/nix.conf',
      '/a/nix/nix.conf',
      '/home/u/.config/nix/nix.conf',
    ]);
    assert.deepEqual(nixConfFiles('/etc/nix', { NIX_USER_CONF_FILES: '/first:/second' }, '/home/u'), [
      '/etc/nix/nix.conf',
      '/second',
      '/first',
    ]);
  });

  it("names the user's file and line that empties builders, over the system file", function () {
    mkdirSync(join(dir, 'etc'));
    mkdirSync(join(dir, 'home/.config/nix'), { recursive: true });
    writeFileSync(join(dir, 'etc/nix.conf'), 'builders = @/etc/nix/machines\n');
    writeFileSync(join(dir, 'home/.config/nix/nix.conf'), '# mine\nsubstituters = x\nbuilders =   # none\n');
    const env = { XDG_CONFIG_DIRS: join(dir, 'nowhere') };
    const origin = buildersOrigin(nixConfFiles(join(dir, 'etc'), env, join(dir, 'home')), env);
    assert.deepEqual(origin, { file: join(dir, 'home/.config/nix/nix.conf'), line: 3, value: '' });
  });

  it('NIX_CONFIG overrides every file', function () {
    writeFileSync(join(dir, 'nix.conf'), 'builders = @/etc/nix/machines\n');
    const env = { NIX_USER_CONF_FILES: '', NIX_CONFIG: 'builders =\nsandbox = false' };
    assert.deepEqual(buildersOrigin(nixConfFiles(dir, env, dir), env), { env: 'NIX_CONFIG', value: '' });
  });

  it('the last builders line of a file counts; comments are not settings', function () {
    assert.deepEqual(lastBuildersLine('builders = a\n#builders = b\nbuilders = c # d\n'), {
      line: 3,
      value: 'c',
    });
    assert.equal(lastBuildersLine('builders-use-substitutes = true\n'), undefined);
  });
});
