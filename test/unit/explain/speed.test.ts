/** `explain` on 10 MB of build log: the figure is printed; the bound is only a guard against a regression by orders of magnitude. */
import assert from 'node:assert/strict';
import { Explainer } from '../../../src/probes/explain/engine.js';
import { generatedBuildLog } from '../../util/generatedLog.js';

describe('explain speed', function () {
  it('explains 10 MB of log (with the failure at the end) well within a second', function () {
    const log = generatedBuildLog(10 * 1024 * 1024);
    const started = process.hrtime.bigint();
    const explainer = new Explainer();
    for (let i = 0; i < log.length; i += 64 * 1024) explainer.feed(log.slice(i, i + 64 * 1024));
    const result = explainer.finish();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`      explain: ${(log.length / 1024 / 1024).toFixed(1)} MB in ${ms.toFixed(0)} ms`);
    assert.deepEqual(
      result.problems.map((p) => p.cause),
      ['auth-rejected'],
    );
    assert.ok(ms < 3000, `${ms} ms`);
  });
});
