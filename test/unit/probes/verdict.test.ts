import assert from 'node:assert/strict';
import { decideVerdict } from '../../../src/probes/verdict.js';
import { probeResult } from '../../util/probeResult.js';

describe('verdict: one root cause in chain order', function () {
  it('is ok when nothing failed, quoting the remote Nix result', function () {
    const v = decideVerdict([
      probeResult('ssh-login', 'ok'),
      probeResult('remote-nix', 'ok'),
      probeResult('launchd-service', 'skip'),
    ]);
    assert.equal(v.cause, 'ok');
    assert.equal(v.probe, 'remote-nix');
  });

  it('picks the first failure in chain order, not in completion order', function () {
    const v = decideVerdict([
      probeResult('ssh-login', 'fail', { cause: 'auth-rejected' }),
      probeResult('vm-port', 'fail', { cause: 'builder-down', fix: { summary: 'start it' } }),
    ]);
    assert.equal(v.cause, 'builder-down');
    assert.equal(v.probe, 'vm-port');
    assert.equal(v.fix?.summary, 'start it');
  });

  it('never lets warnings or skips decide', function () {
    const v = decideVerdict([
      probeResult('launchd-service', 'warn', { cause: 'builder-down' }),
      probeResult('platform', 'skip'),
      probeResult('remote-nix', 'ok'),
    ]);
    assert.equal(v.cause, 'ok');
  });

  it('adds the evidence of later probes that failed for the same cause', function () {
    const v = decideVerdict([
      probeResult('ssh-effective-config', 'fail', {
        cause: 'ssh-config-not-included',
        evidence: [{ argv: ['ssh', '-G', 'linux-builder'], detail: 'hostname linux-builder, port 22' }],
      }),
      probeResult('ssh-config-include', 'fail', {
        cause: 'ssh-config-not-included',
        evidence: [{ file: '/etc/ssh/ssh_config', detail: 'no Include' }],
      }),
      probeResult('hostname-resolution', 'fail', { cause: 'hostname-unresolved' }),
    ]);
    assert.equal(v.cause, 'ssh-config-not-included');
    assert.equal(v.probe, 'ssh-config-include');
    assert.deepEqual(
      v.evidence?.map((e) => e.file ?? e.argv?.join(' ')),
      ['/etc/ssh/ssh_config', 'ssh -G linux-builder'],
    );
  });

  it('adds corroborating warnings of the same cause without letting them decide', function () {
    const v = decideVerdict([
      probeResult('launchd-service', 'warn', {
        cause: 'builder-down',
        evidence: [
          { argv: ['launchctl', 'print', 'system/org.nixos.linux-builder'], detail: 'state = not running' },
        ],
      }),
      probeResult('vm-port', 'fail', { cause: 'builder-down', evidence: [{ detail: 'ECONNREFUSED' }] }),
    ]);
    assert.equal(v.probe, 'vm-port');
    assert.deepEqual(
      v.evidence?.map((e) => e.detail),
      ['ECONNREFUSED', 'state = not running'],
    );
  });

  it('names needs-admin when sudo would have to ask, and unknown for a failure without a cause', function () {
    assert.equal(decideVerdict([probeResult('ssh-effective-config', 'needs-admin')]).cause, 'needs-admin');
    assert.equal(decideVerdict([probeResult('nix-install', 'fail')]).cause, 'unknown');
  });
});
