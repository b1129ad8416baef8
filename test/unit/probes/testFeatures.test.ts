/** The test derivation with required features: valid Nix that sets requiredSystemFeatures, and no way to inject text into it. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { testDerivationExpr } from '../../../src/probes/testBuild.js';
import { findExecutable } from '../../util/prerequisites.js';

describe('test derivation with --features', function () {
  it('sets requiredSystemFeatures to the named features, and nothing without them', function () {
    assert.match(testDerivationExpr('aarch64-linux', 'n', ['kvm', 'nixos-test']), /requiredSystemFeatures = \[ "kvm" "nixos-test" \];/);
    assert.doesNotMatch(testDerivationExpr('aarch64-linux', 'n'), /requiredSystemFeatures/);
    if (findExecutable('nix-instantiate') === null) this.skip();
    const r = spawnSync('nix-instantiate', ['--eval', '--strict', '-E', `(${testDerivationExpr('aarch64-linux', 'n', ['kvm', 'nixos-test'])}).drvAttrs.requiredSystemFeatures`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), '[ "kvm" "nixos-test" ]');
  });

  it('refuses anything that is not a feature name', function () {
    for (const bad of ['kvm"; system = "x', 'a b', '', '${x}', 'k\nv']) assert.throws(() => testDerivationExpr('aarch64-linux', 'n', [bad]), /not a system feature name/);
  });
});
