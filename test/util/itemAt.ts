import assert from 'node:assert/strict';

/**
 * `items[index]`, asserted to be there: where a test expects an element it fails here, saying which
 * one was missing, instead of on a property of `undefined` (or a `!` the compiler takes on trust).
 */
export function itemAt<T>(items: readonly T[] | undefined, index: number): T {
  const item = items?.[index < 0 ? items.length + index : index];
  assert.ok(item !== undefined, `expected an element at ${index} of ${JSON.stringify(items)?.slice(0, 200)}`);
  return item;
}
