/**
 * The folder that keeps the files shown commands name (src/probes/stableFiles.ts) is one this
 * account owns and closes to others; a folder planted under that name in a shared temp dir (a
 * symlink, another mode) is never used.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stableDir } from '../../../src/probes/stableFiles.js';

describe('the folder of the files shown commands name', function () {
  let base: string;
  let savedTmp: string | undefined;
  const name = `linux-builder-doctor-${process.getuid?.() ?? 0}`;
  beforeEach(function () {
    base = mkdtempSync(join(tmpdir(), 'lbd-stable-'));
    savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = join(base, 'tmp');
    mkdirSync(join(base, 'tmp'));
  });
  afterEach(function () {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    rmSync(base, { recursive: true, force: true });
  });
  const env = (): NodeJS.ProcessEnv => ({ XDG_CACHE_HOME: join(base, 'cache') });

  it('is created in the temp dir for this account only', function () {
    assert.equal(stableDir(env()), join(base, 'tmp', name));
  });

  it('a symlink planted under its name is not followed: the cache folder is used', function () {
    mkdirSync(join(base, 'elsewhere'));
    symlinkSync(join(base, 'elsewhere'), join(base, 'tmp', name));
    assert.equal(stableDir(env()), join(base, 'cache', 'linux-builder-doctor'));
  });

  it('a folder others may enter is not used', function () {
    mkdirSync(join(base, 'tmp', name));
    chmodSync(join(base, 'tmp', name), 0o777);
    assert.equal(stableDir(env()), join(base, 'cache', 'linux-builder-doctor'));
  });
});
