/**
 * Queries over the option tables. The tables are data, one file per option set.
 */
import { BUILD_MACHINE_MISPLACED, BUILD_MACHINE_OPTIONS } from './buildMachines.js';
import { BUILDER_CONFIG_MISPLACED, BUILDER_VM_OPTIONS } from './builderVm.js';
import { LINUX_BUILDER_MISPLACED, LINUX_BUILDER_OPTIONS, LINUX_BUILDER_REMOVED } from './linuxBuilder.js';
import { NIX_DARWIN_OPTIONS } from './nixDarwin.js';
import type { MisplacedOption, OptionDoc } from './types.js';

export type { MisplacedOption, OptionDoc, ValueShape } from './types.js';
export { NIXOS_TOP_LEVEL } from './builderVm.js';

const ALL_OPTIONS: readonly OptionDoc[] = [
  ...NIX_DARWIN_OPTIONS,
  ...LINUX_BUILDER_OPTIONS,
  ...BUILD_MACHINE_OPTIONS,
  ...BUILDER_VM_OPTIONS,
];
const MISPLACED: readonly MisplacedOption[] = [
  ...LINUX_BUILDER_MISPLACED,
  ...BUILD_MACHINE_MISPLACED,
  ...BUILDER_CONFIG_MISPLACED,
];

const key = (path: readonly string[]) => path.join('\u0000');
const byPath = new Map(ALL_OPTIONS.map((o) => [key(o.path), o]));
const misplacedByPath = new Map(MISPLACED.map((m) => [key(m.path), m]));
const removedByPath = new Map(LINUX_BUILDER_REMOVED.map((m) => [key(m.path), m]));

export const LINUX_BUILDER_PATH = ['nix', 'linux-builder'] as const;
export const BUILDER_CONFIG_PATH = ['nix', 'linux-builder', 'config'] as const;
export const BUILD_MACHINE_ENTRY_PATH = ['nix', 'buildMachines', '*'] as const;
export const BUILDER_VM_PATH = [
  'nix',
  'linux-builder',
  'config',
  'virtualisation',
  'darwin-builder',
] as const;

/** The documentation of the option at `path` (list elements as `*`), if we know it. */
export function describeOption(path: readonly string[]): OptionDoc | undefined {
  return byPath.get(key(path));
}

/** The options directly below `path` that we document, for completion. */
export function childOptions(path: readonly string[]): OptionDoc[] {
  return ALL_OPTIONS.filter((o) => o.path.length === path.length + 1 && startsWith(o.path, path));
}

/** A known mistake at exactly this path (an option that never existed), with its advice. */
export function misplacedOption(path: readonly string[]): MisplacedOption | undefined {
  return misplacedByPath.get(key(path));
}

/** An option that existed and was removed upstream. */
export function removedOption(path: readonly string[]): MisplacedOption | undefined {
  return removedByPath.get(key(path));
}

/**
 * Sets whose children we know completely: any other child name is an error there.
 * (`nix` itself is not closed: nix-darwin has many options we do not list.)
 */
export const CLOSED_SETS: readonly (readonly string[])[] = [
  LINUX_BUILDER_PATH,
  BUILD_MACHINE_ENTRY_PATH,
  BUILDER_VM_PATH,
];

/** Whether option path `path` begins with `prefix` (the one comparison of option paths; see samePath). */
export function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

export function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && startsWith(a, b);
}
