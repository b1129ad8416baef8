/** `explain` throughput on a generated 10 MB CI log (target: < 1 s, issue "explain: any error text"). */
import { Explainer } from '../src/probes/explain/engine.js';
import { generatedBuildLog } from '../test/util/generatedLog.js';

export function benchExplain(): void {
  console.log('\n## explain (generated build log, one ssh failure at the end)');
  for (const mb of [1, 10]) {
    const log = generatedBuildLog(mb * 1024 * 1024);
    const times: number[] = [];
    for (let run = 0; run < 3; run++) {
      const started = process.hrtime.bigint();
      const explainer = new Explainer();
      for (let i = 0; i < log.length; i += 64 * 1024) explainer.feed(log.slice(i, i + 64 * 1024));
      explainer.finish();
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const best = Math.min(...times);
    console.log(
      `explain ${mb} MB: best ${best.toFixed(0)} ms of 3 (${(mb / (best / 1000)).toFixed(0)} MB/s)${mb === 10 ? '   target < 1000 ms' : ''}`,
    );
  }
}
