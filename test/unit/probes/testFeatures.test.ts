/** The test derivation with required features: valid Nix that sets requiredSystemFeatures, and no way to inject text into it. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { testBuildArgv } from '../../../src/probes/testBuild.js';
import { findExecutable } from '../../util/prerequisites.js';

describe('test derivation with --features', function () {
  /** The derivation's attribute, evaluated from the same -E expression and --argstr values nix-build gets. */
  const evaluate = (argv: string[], attr: string): ReturnType<typeof spawnSync> =>
    spawnSync('nix-instantiate', ['--eval', '--strict', ...argv.slice(argv.indexOf('-E')), '-A', attr], {
      encoding: 'utf8',
    });

  it('sets requiredSystemFeatures to the named features, and nothing without them', function () {
    const argv = testBuildArgv('aarch64-linux', ['kvm', 'nixos-test'], 'n');
    assert.deepEqual(argv.slice(-2), ['features', 'kvm nixos-test']);
    assert.ok(!testBuildArgv('aarch64-linux', [], 'n').includes('features'));
    if (findExecutable('nix-instantiate') === null) this.skip();
    const r = evaluate(argv, 'requiredSystemFeatures');
    assert.equal(r.status, 0, String(r.stderr));
    assert.equal(String(r.stdout).trim(), '[ "kvm" "nixos-test" ]');
    const none = evaluate(testBuildArgv('aarch64-linux', [], 'n'), 'requiredSystemFeatures');
    assert.match(
      String(none.stderr),
      /attribute 'requiredSystemFeatures' .*not found|does not provide attribute/,
    );
  });

  it('refuses anything that is not a feature name', function () {
    for (const bad of ['kvm"; system = "x', 'a b', '', '${x}', 'k\nv'])
      assert.throws(() => testBuildArgv('aarch64-linux', [bad]), /not a system feature name/);
  });
});
