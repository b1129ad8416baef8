/** launchd's record of the builder VM (`launchctl print`): a crash loop is many runs and a failed last one. */
import assert from 'node:assert/strict';
import { isCrashLoop, parseLaunchdPrint } from '../../../src/probes/checks/launchdService.js';

const record = (lines: string[]): string =>
  `system/org.nixos.linux-builder = {\n${lines.map((l) => `\t${l}`).join('\n')}\n}\n`;

describe("launchd's record of the builder VM", function () {
  it('reads runs, the last exit code with its text, and the state', function () {
    const runs = parseLaunchdPrint(
      record(['active count = 0', 'state = not running', 'runs = 57', 'last exit code = 134: Abort trap']),
    );
    assert.deepEqual(runs, {
      state: 'not running',
      runs: 57,
      lastExitCode: 134,
      lastExitText: '134: Abort trap',
    });
    assert.equal(isCrashLoop(runs), true);
  });

  it('a terminating signal counts as a failed run', function () {
    const runs = parseLaunchdPrint(
      record(['state = spawn scheduled', 'runs = 9', 'last terminating signal = Abort trap: 6']),
    );
    assert.equal(runs.lastSignal, 'Abort trap: 6');
    assert.equal(isCrashLoop(runs), true);
  });

  it('not a crash loop: never exited, a clean exit, or a single failed start', function () {
    for (const lines of [
      ['state = running', 'runs = 1', 'pid = 42', 'last exit code = (never exited)'],
      ['state = not running', 'runs = 12', 'last exit code = 0'],
      ['state = not running', 'runs = 1', 'last exit code = 1'],
    ])
      assert.equal(isCrashLoop(parseLaunchdPrint(record(lines))), false, lines.join('; '));
  });
});
