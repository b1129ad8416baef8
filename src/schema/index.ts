/**
 * Queries over the option tables. The tables themselves are data (one file per option set).
 */
import type { OptionDoc } from './types.js';

export type { OptionDoc } from './types.js';

/** The documentation of the option at `path` (list elements as `*`), if we know it. */
export function describeOption(path: readonly string[]): OptionDoc | undefined {
  void path;
  return undefined; // filled by the schema tables (issue 2)
}

/** The options directly below `path` that we document, for completion. */
export function childOptions(path: readonly string[]): OptionDoc[] {
  void path;
  return [];
}
