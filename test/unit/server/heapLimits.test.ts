import assert from 'node:assert/strict';
import { collectGarbageNow } from '../../../src/server/heapLimits.js';

describe('collectGarbageNow', () => {
  it('runs a full collection in a process started without --expose-gc, and again', () => {
    assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
    let garbage: number[][] | undefined = Array.from({ length: 200 }, () =>
      new Array<number>(10_000).fill(1),
    );
    assert.equal(garbage.length, 200);
    garbage = undefined;
    const before = process.memoryUsage().heapUsed;
    collectGarbageNow();
    collectGarbageNow();
    assert.ok(process.memoryUsage().heapUsed < before, 'nothing was collected');
    assert.equal(garbage, undefined);
  });
});
