/** Small timing helpers: medians over repeated runs, printed side by side. */
import { performance } from 'node:perf_hooks';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const upper = sorted[mid] ?? NaN;
  return sorted.length % 2 ? upper : ((sorted[mid - 1] ?? NaN) + upper) / 2;
}

/** Median wall time in ms of `fn` over `runs` runs, after `warmup` unmeasured ones. */
export function timeMedian(fn: () => void, runs: number, warmup = 2): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Smallest, median and largest of a series: the spread shows how far one run can be trusted. */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

/**
 * Wall times in ms of `a` and `b` measured interleaved, A B A B …, after `warmup` unmeasured pairs,
 * with the ratio a/b of each pair. Two separate series drift apart with the machine's load (the
 * cold/raw ratio swung 0.85–1.59 between runs, issue 8); within one pair both see the same load.
 */
export function timePairs(
  a: () => void,
  b: () => void,
  pairs: number,
  warmup = 2,
): { a: number[]; b: number[]; ratios: number[] } {
  for (let i = 0; i < warmup; i++) {
    a();
    b();
  }
  const result = { a: [] as number[], b: [] as number[], ratios: [] as number[] };
  for (let i = 0; i < pairs; i++) {
    let start = performance.now();
    a();
    const timeA = performance.now() - start;
    start = performance.now();
    b();
    const timeB = performance.now() - start;
    result.a.push(timeA);
    result.b.push(timeB);
    result.ratios.push(timeA / timeB);
  }
  return result;
}

export const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
export const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
export const msSpread = ({ min, median: mid, max }: Spread) => `${ms(mid)} (min ${ms(min)}, max ${ms(max)})`;
export const ratioSpread = ({ min, median: mid, max }: Spread) =>
  `${mid.toFixed(2)}x (min ${min.toFixed(2)}x, max ${max.toFixed(2)}x)`;
