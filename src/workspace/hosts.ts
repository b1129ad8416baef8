/**
 * Per-host grouping: which modules form one machine's configuration. Each `darwinSystem { modules
 * = [ … ]; }` (also `nix-darwin.lib.darwinSystem`, `darwin.lib.darwinSystem`) is a host; its configuration is the file that calls it (that call's inline modules) plus every file
 * its `modules` list names by relative path and, transitively, what their `imports` name
 * (`./x.nix`; `./dir` is `dir/default.nix`, as Nix's `import` of a folder reads). A file that no
 * host reaches is judged on its own, with what it imports. Without any host in sight (a helper
 * function builds the systems, or no flake), every file of the folder is one configuration.
 *
 * What cannot be followed statically (interpolated paths, modules from inputs, `map` over a
 * folder) is not followed: those files are judged on their own, which can miss a cross-file
 * finding but never raises one from another machine.
 */
import { dirname, join, resolve } from 'node:path';
import type { FileFacts } from '../rules/factsIndex.js';

export interface HostGroup {
  /** The host's name (`darwinConfigurations.<name>` or the binding of the call); undefined for a file no host reaches. */
  host: string | undefined;
  /** For a host: the file with its system call and the call's key there. */
  origin?: { file: string; system: string };
  /** The files of the configuration (the origin first). */
  members: Set<string>;
}

export type PathKind = 'file' | 'directory' | undefined;

/** The file a relative module path names from `from`, if it exists. */
export function resolveModulePath(
  from: string,
  path: string,
  kindOf: (path: string) => PathKind,
): string | undefined {
  const target = resolve(dirname(from), path);
  const kind = kindOf(target);
  if (kind === 'file') return target;
  if (kind === 'directory') {
    const file = join(target, 'default.nix');
    return kindOf(file) === 'file' ? file : undefined;
  }
  return undefined;
}

/**
 * The host groups of `files` (with the files they reach), or undefined when no file holds a host
 * (the caller then judges all files as one configuration). `known`: the files whose facts can be
 * had (others are not followed).
 */
export function groupByHost(
  files: readonly string[],
  factsOf: (file: string) => FileFacts | undefined,
  kindOf: (path: string) => PathKind,
): HostGroup[] | undefined {
  const hosts: HostGroup[] = [];
  /** The files a file's modules import (for a host's own file: only its modules'). */
  const importsOf = (file: string, system?: string): string[] => {
    const facts = factsOf(file);
    if (!facts) return [];
    const out: string[] = [];
    for (const i of facts.imports) {
      if (system !== undefined && i.system !== undefined && i.system !== system) continue;
      const target = resolveModulePath(file, i.path, kindOf);
      if (target !== undefined) out.push(target);
    }
    return out;
  };
  const reach = (start: string[], members: Set<string>): void => {
    const queue = [...start];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (members.has(next)) continue; // the loop guard: each file once
      members.add(next);
      queue.push(...importsOf(next));
    }
  };
  for (const file of files) {
    // (nixosSystem calls build NixOS machines, such as a VM of the user's own: not Macs to group by.)
    for (const system of factsOf(file)?.systems.filter((s) => s.builder === 'darwinSystem') ?? []) {
      const members = new Set([file]);
      const entries = system.modulePaths
        .map((p) => resolveModulePath(file, p, kindOf))
        .filter((p): p is string => p !== undefined);
      reach([...importsOf(file, system.key), ...entries], members);
      hosts.push({ host: system.name ?? system.key, origin: { file, system: system.key }, members });
    }
  }
  if (hosts.length === 0) return undefined;
  const reached = new Set(hosts.flatMap((h) => [...h.members]));
  const alone = files.filter((f) => !reached.has(f));
  // A file imported by another unreached file is judged within it, not a second time alone.
  const imported = new Set(alone.flatMap((f) => importsOf(f).filter((i) => i !== f)));
  const groups = [...hosts];
  const grouped = new Set<string>();
  for (const file of alone) {
    if (imported.has(file)) continue;
    const members = new Set<string>();
    reach([file], members);
    for (const m of members) grouped.add(m);
    groups.push({ host: undefined, members });
  }
  // (Files that only import each other in a ring: each is its own start.)
  for (const file of alone) {
    if (grouped.has(file)) continue;
    const members = new Set<string>();
    reach([file], members);
    for (const m of members) grouped.add(m);
    groups.push({ host: undefined, members });
  }
  return groups;
}
