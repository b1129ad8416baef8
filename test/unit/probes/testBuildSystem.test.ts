/**
 * `test` takes the builder's system from the machines file, which a configuration repository or a
 * staged copy controls: it must reach Nix as a string (`--argstr`), never as Nix code, and only a
 * Linux system double is used at all. A fake `nix-build` on PATH logs the argv (process boundary);
 * the real nix-instantiate shows the crafted value stays a string.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  isLinuxSystemDouble,
  TEST_DERIVATION_FUNCTION,
  testBuildArgv,
} from '../../../src/probes/testBuild.js';
import { testLinuxBuilder } from '../../../src/probes/testLinuxBuilder.js';
import { runTestCommand } from '../../../src/cli/commands/test.js';
import { findExecutable } from '../../util/prerequisites.js';

/** Evaluates to a throw if it is ever read as Nix code; has no whitespace, so it fits a machines column. */
const CRAFTED = 'a"+(builtins.throw"INJECTED")+"-linux';

describe('test build: the system is a value, never Nix code', function () {
  let root: string;
  let bin: string;
  let log: string;
  beforeEach(function () {
    root = mkdtempSync(join(tmpdir(), 'lbd-system-'));
    bin = join(root, 'fakebin');
    log = join(root, 'nix-build.argv');
    for (const d of ['etc/nix', 'etc/ssh/ssh_config.d', 'var/root/.ssh'])
      mkdirSync(join(root, d), { recursive: true });
    mkdirSync(bin);
    writeFileSync(join(root, 'etc/nix/nix.conf'), '');
    writeFileSync(join(root, 'etc/ssh/ssh_config'), '');
    writeFileSync(
      join(bin, 'nix-build'),
      `#!/bin/sh\nprintf '%s\\0' "$@" > '${log}'\necho "error: fake nix-build" >&2\nexit 1\n`,
      { mode: 0o755 },
    );
  });
  afterEach(function () {
    rmSync(root, { recursive: true, force: true });
  });

  const build = async (systems: string): Promise<string[]> => {
    writeFileSync(join(root, 'etc/nix/machines'), `ssh-ng://builder@linux-builder ${systems} - 1 1 - - -\n`);
    await testLinuxBuilder({
      root,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
      timeoutMs: 20_000,
    });
    return readFileSync(log, 'utf8').split('\0').slice(0, -1);
  };

  it("passes the machines entry's system with --argstr to a constant function expression", async function () {
    this.timeout(20_000);
    const argv = await build('aarch64-linux');
    assert.equal(argv[argv.indexOf('-E') + 1], TEST_DERIVATION_FUNCTION);
    assert.deepEqual(argv.slice(argv.indexOf('--argstr'), argv.indexOf('--argstr') + 3), [
      '--argstr',
      'system',
      'aarch64-linux',
    ]);
  });

  it('a crafted system in the machines file never reaches Nix; the next valid one is used', async function () {
    this.timeout(20_000);
    const argv = await build(`${CRAFTED},riscv64-linux`);
    assert.ok(!argv.some((a) => a.includes('INJECTED')), JSON.stringify(argv));
    assert.equal(argv[argv.indexOf('-E') + 1], TEST_DERIVATION_FUNCTION);
    assert.deepEqual(argv.slice(argv.indexOf('--argstr'), argv.indexOf('--argstr') + 3), [
      '--argstr',
      'system',
      'riscv64-linux',
    ]);
  });

  it('a crafted --system is refused before anything runs (API and CLI)', async function () {
    const result = await testLinuxBuilder({ system: CRAFTED, root, env: { PATH: bin } });
    assert.equal(result.ok, false);
    assert.deepEqual(result.argv, []);
    assert.match(result.summary, /not a Linux system double/);
    let stderr = '';
    const code = await runTestCommand(['--system', CRAFTED, '--root', root], {
      stdout: () => undefined,
      stderr: (t) => {
        stderr += t;
      },
      cwd: root,
      env: { PATH: bin },
    });
    assert.equal(code, 2);
    assert.match(stderr, /Linux system double/);
    for (const s of ['x86_64-linux', 'aarch64-linux', 'armv7l-linux', 'i686-linux', 'powerpc64le-linux'])
      assert.ok(isLinuxSystemDouble(s), s);
    for (const s of [
      CRAFTED,
      'x86_64-darwin',
      'linux',
      'x86_64-linux ',
      '-linux',
      'x86_64-linux\n',
      '${x}-linux',
    ])
      assert.ok(!isLinuxSystemDouble(s), s);
  });

  it('with the real nix-instantiate, even an unvalidated crafted value stays a string', function () {
    if (findExecutable('nix-instantiate') === null) {
      if (process.env.CI === 'true') assert.fail('nix-instantiate is missing');
      this.skip();
    }
    // The same expression and --argstr values nix-build gets, evaluated to the derivation's system.
    const argv = testBuildArgv(CRAFTED, [], 'nonce-1');
    const from = argv.indexOf('-E');
    const r = spawnSync('nix-instantiate', ['--eval', ...argv.slice(from), '-A', 'system'], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout.trim()), CRAFTED);
    // Control: the same value interpolated into Nix text, as before, runs the crafted code.
    const interpolated = spawnSync(
      'nix-instantiate',
      ['--eval', '-E', `let system = "${CRAFTED}"; in system`],
      { encoding: 'utf8' },
    );
    assert.match(interpolated.stderr, /INJECTED/);
  });
});
