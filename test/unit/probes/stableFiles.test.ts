/**
 * The folder that keeps the files shown commands name (src/probes/stableFiles.ts) is one this
 * account owns and closes to others; a folder planted under that name in a shared temp dir (a
 * symlink, another mode) is never used.
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pruneStale, STALE_MS, stableDir, SWEEP_EVERY_MS } from '../../../src/probes/stableFiles.js';

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

describe('sweeping the staged configs older than a week', function () {
  let dir: string;
  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), 'lbd-sweep-'));
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });
  /** An entry last written `ageMs` before `now`. */
  const entry = (name: string, now: number, ageMs: number): string => {
    const path = join(dir, name);
    mkdirSync(path);
    writeFileSync(join(path, 'ssh_config'), '');
    utimesSync(path, (now - ageMs) / 1000, (now - ageMs) / 1000);
    return path;
  };

  it('removes what is older than a week, keeps the rest, and sweeps at most once an hour', function () {
    const now = Date.now();
    const old = entry('old', now, STALE_MS + 60_000);
    const fresh = entry('fresh', now, 60_000);
    pruneStale(dir, now);
    assert.equal(existsSync(old), false);
    assert.equal(existsSync(fresh), true);
    // Gone stale since (or planted): left until the hour is over, then swept.
    const later = entry('later', now, STALE_MS + 60_000);
    pruneStale(dir, now + 60_000);
    assert.equal(existsSync(later), true, 'swept less than an hour ago: not looked at');
    pruneStale(dir, now + SWEEP_EVERY_MS + 1000);
    assert.equal(existsSync(later), false);
    assert.equal(existsSync(fresh), true);
  });
});
