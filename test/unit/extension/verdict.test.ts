import assert from 'node:assert/strict';
import type { ProbeReport, ProbeResult } from '../../../src/protocol/probes.js';
import { CAUSE_HEADLINES } from '../../../src/protocol/causeHeadlines.js';
import { parseTestOutput } from '../../../src/extension/health/testBuildResult.js';
import {
  isFailure,
  repeatsVerdict,
  verdictAsResult,
  verdictBadge,
  verdictMessage,
} from '../../../src/extension/health/verdict.js';
import { decideVerdict } from '../../../src/probes/verdict.js';
import { probeResult } from '../../util/probeResult.js';

/** A result; a failing one carries its cause and a fix with a command. */
function result(
  id: ProbeResult['id'],
  status: ProbeResult['status'],
  cause?: ProbeResult['cause'],
): ProbeResult {
  return probeResult(
    id,
    status,
    cause ? { cause, fix: { summary: `fix ${cause}`, commands: [`echo ${id}`] } } : {},
  );
}

function report(results: ProbeResult[]): ProbeReport {
  return { platform: 'darwin', nixVersion: '2.24', results, verdict: decideVerdict(results) };
}

describe('the Builder Health verdict (issue 9 item 1)', () => {
  // The corporate Mac: the Host block is not included, so the name does not resolve either.
  const corporate = report([
    result('platform', 'ok'),
    result('machines-file', 'ok'),
    result('ssh-config-include', 'fail', 'ssh-config-not-included'),
    result('ssh-effective-config', 'warn', 'ssh-config-not-included'),
    result('hostname-resolution', 'fail', 'hostname-unresolved'),
    result('vm-port', 'ok'),
    result('ssh-login', 'skip'),
  ]);

  it('leads with the headline in words, the cause id after it', () => {
    assert.equal(corporate.verdict.cause, 'ssh-config-not-included');
    assert.equal(
      verdictMessage(corporate.verdict),
      `Builder broken: ${CAUSE_HEADLINES['ssh-config-not-included']}. (ssh-config-not-included)`,
    );
    assert.equal(verdictMessage(report([result('platform', 'ok')]).verdict), '✓ The Linux builder works.');
  });

  it('folds the probe rows that only repeat the verdict: its decider and those with its cause', () => {
    const folded = corporate.results.filter((r) => repeatsVerdict(corporate, r)).map((r) => r.id);
    assert.deepEqual(folded, ['ssh-config-include', 'ssh-effective-config']);
    const healthy = report([result('platform', 'ok'), result('ssh-login', 'ok')]);
    assert.deepEqual(
      healthy.results.filter((r) => repeatsVerdict(healthy, r)),
      [],
    );
  });

  it('puts a badge on the view only while the builder is broken', () => {
    assert.equal(verdictBadge(corporate.verdict)?.value, 1);
    assert.equal(verdictBadge(report([result('platform', 'ok')]).verdict), undefined);
    assert.equal(verdictBadge(undefined), undefined);
    for (const cause of ['ok', 'no-builder-configured', 'needs-admin'] as const)
      assert.equal(isFailure({ cause, summary: '' }), false, cause);
    assert.equal(isFailure({ cause: 'builder-down', summary: '' }), true);
  });

  it("gives the verdict row's actions the verdict's own evidence and fix", () => {
    const decider = corporate.results[2];
    const asResult = verdictAsResult(corporate.verdict, decider);
    assert.equal(asResult.title, CAUSE_HEADLINES['ssh-config-not-included']);
    assert.deepEqual(asResult.fix, corporate.verdict.fix);
    assert.deepEqual(asResult.evidence, corporate.verdict.evidence);
    assert.equal(asResult.evidence.length, 2, 'the corroborating warning adds its evidence');
  });
});

describe("the test build's result lines (src/cli/commands/test.ts)", () => {
  it('reads the cause and the fix with its commands', () => {
    const stdout = [
      "failed: the test build failed (Could not resolve hostname linux-builder); root cause: root's ssh does not read it",
      'system: aarch64-linux',
      'duration: 1.2 s',
      'cause: ssh-config-not-included',
      "fix: Add the Include line to root's ssh config.",
      "  echo 'Include /etc/ssh/ssh_config.d/*' | sudo tee -a /etc/ssh/ssh_config",
      '',
    ].join('\n');
    assert.deepEqual(parseTestOutput(stdout), {
      system: 'aarch64-linux',
      summary:
        "the test build failed (Could not resolve hostname linux-builder); root cause: root's ssh does not read it",
      cause: 'ssh-config-not-included',
      fix: {
        summary: "Add the Include line to root's ssh config.",
        commands: ["echo 'Include /etc/ssh/ssh_config.d/*' | sudo tee -a /etc/ssh/ssh_config"],
      },
    });
  });

  it('drops a cause id it does not know and reads only the system from a passed build', () => {
    assert.deepEqual(parseTestOutput('failed: x\ncause: made-up\n'), { summary: 'x' });
    assert.deepEqual(parseTestOutput('ok: built on the builder\nsystem: x86_64-linux\n'), {
      system: 'x86_64-linux',
    });
  });
});
