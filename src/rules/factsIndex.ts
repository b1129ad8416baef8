/**
 * The merged facts of one configuration: what every member file defines at the option paths the
 * rules read, indexed by path. Built once per configuration and updated file by file (an edit
 * replaces one file's entries), so judging N files costs N lookups, not N merges of N files.
 * Pure data: the workspace layer (src/workspace/) decides which files belong together and reads them.
 */
import type { ListInfo, Located, ModuleInfo, OptionDefinition, SystemCall } from '../nix/model.js';
import type { Elsewhere } from './rule.js';

/** What one file contributes to its configuration (`configurationFacts` in analyze.ts). */
export interface FileFacts {
  definitions: readonly OptionDefinition[];
  lists: readonly ListInfo[];
  /** Its system calls (the hosts it defines), for grouping modules per host. */
  systems: readonly SystemCall[];
  /** The module files it imports by relative path; `system`: the key of the system call whose module imports it. */
  imports: readonly { path: string; system: string | undefined }[];
}

/** The facts of a located file (see `locateForRules`). */
export function factsOf(located: Located): FileFacts {
  return {
    definitions: located.definitions,
    lists: located.lists,
    systems: located.systems,
    imports: located.imports.map((i) => ({ path: i.path, system: i.module.system?.key })),
  };
}

/**
 * Whether a module counts for the nix-darwin host whose system call has `key`: modules outside any
 * call count for every host, and so do NixOS modules (`nixosSystem`, e.g. a VM of the user's own,
 * which the rules read as such); another darwin host's modules do not.
 */
export const moduleOfSystem =
  (key: string | undefined) =>
  (module: ModuleInfo): boolean =>
    key === undefined ||
    module.system === undefined ||
    module.system.builder !== 'darwinSystem' ||
    module.system.key === key;

/** Whether a file holds more than one nix-darwin host (only then does a host see part of it). */
export const holdsSeveralHosts = (systems: readonly SystemCall[]): boolean =>
  systems.filter((s) => s.builder === 'darwinSystem').length > 1;

/** `facts` as seen by one host of the file: the modules of other system calls left out. */
export function factsForSystem(facts: FileFacts, key: string | undefined): FileFacts {
  if (key === undefined || !holdsSeveralHosts(facts.systems)) return facts;
  const keep = moduleOfSystem(key);
  return {
    ...facts,
    definitions: facts.definitions.filter((d) => keep(d.module)),
    lists: facts.lists.filter((l) => keep(l.module)),
  };
}

const NO_DEFINITIONS: readonly OptionDefinition[] = [];
const NO_LISTS: readonly ListInfo[] = [];

/** One option path's place in a PathIndex: what each file has at it, and the names below it. */
interface PathNode<T> {
  readonly parent: PathNode<T> | undefined;
  readonly name: string;
  readonly below: Map<string, PathNode<T>>;
  readonly files: Map<string, T[]>;
}

const newNode = <T>(parent: PathNode<T> | undefined, name: string): PathNode<T> => ({
  parent,
  name,
  below: new Map(),
  files: new Map(),
});

/**
 * path -> file -> items, as a tree of names: a rule's lookup walks its path's names (strings whose
 * hashes V8 keeps) instead of joining them into a new key string each time, which was a tenth of
 * judging a file in a big check. Each file's nodes are remembered so its entries can be replaced,
 * and a node left empty is removed (the language server's index lives as long as the workspace).
 */
class PathIndex<T> {
  private readonly root: PathNode<T> = newNode<T>(undefined, '');
  private readonly nodesOf = new Map<string, PathNode<T>[]>();

  set(file: string, items: readonly T[], pathOf: (item: T) => readonly string[]): void {
    this.delete(file);
    const nodes: PathNode<T>[] = [];
    for (const item of items) {
      let node = this.root;
      for (const name of pathOf(item)) {
        let next = node.below.get(name);
        if (!next) node.below.set(name, (next = newNode(node, name)));
        node = next;
      }
      let list = node.files.get(file);
      if (!list) {
        node.files.set(file, (list = []));
        nodes.push(node);
      }
      list.push(item);
    }
    if (nodes.length > 0) this.nodesOf.set(file, nodes);
  }

  delete(file: string): void {
    for (const node of this.nodesOf.get(file) ?? []) {
      node.files.delete(file);
      for (let empty = node; empty.parent && empty.files.size === 0 && empty.below.size === 0;) {
        empty.parent.below.delete(empty.name);
        empty = empty.parent;
      }
    }
    this.nodesOf.delete(file);
  }

  /** The items at `path` of every file but `except`, in the order the files were added. */
  at(path: readonly string[], except: string | undefined, empty: readonly T[]): readonly T[] {
    let node: PathNode<T> | undefined = this.root;
    for (let i = 0; node && i < path.length; i++) node = node.below.get(path[i] ?? '');
    if (!node || node.files.size === 0) return empty;
    const out: T[] = [];
    for (const [file, items] of node.files) if (file !== except) for (const item of items) out.push(item);
    return out;
  }
}

export class FactsIndex {
  private readonly definitions = new PathIndex<OptionDefinition>();
  private readonly lists = new PathIndex<ListInfo>();
  private readonly files = new Map<string, FileFacts>();
  private readonly fileOfDefinition = new WeakMap<OptionDefinition, string>();

  /** Adds or replaces `file`'s facts; `undefined` removes the file. */
  set(file: string, facts: FileFacts | undefined): void {
    if (!facts) {
      this.definitions.delete(file);
      this.lists.delete(file);
      this.files.delete(file);
      return;
    }
    this.files.set(file, facts);
    this.definitions.set(file, facts.definitions, (d) => d.path);
    this.lists.set(file, facts.lists, (l) => l.path);
    for (const d of facts.definitions) this.fileOfDefinition.set(d, file);
  }

  has(file: string): boolean {
    return this.files.has(file);
  }

  get(file: string): FileFacts | undefined {
    return this.files.get(file);
  }

  /** The member files, in the order they were first added. */
  members(): string[] {
    return [...this.files.keys()];
  }

  /** What the other members define, as the rules read it (`RuleContext.elsewhere`). */
  elsewhereFor(file: string | undefined): Elsewhere {
    return {
      definitionsAt: (path) => this.definitions.at(path, file, NO_DEFINITIONS),
      listsAt: (path) => this.lists.at(path, file, NO_LISTS),
      fileOf: (def) => this.fileOfDefinition.get(def),
    };
  }
}

/** A StaticValue without its position: what a rule can read of it. */
function valueKey(value: OptionDefinition['value']): string {
  switch (value.kind) {
    case 'string':
      return `s${value.quote}:${value.value ?? '\u0000'}`;
    case 'int':
    case 'float':
    case 'bool':
      return `${value.kind}:${String(value.value)}`;
    case 'null':
    case 'attrs':
    case 'function':
      return value.kind;
    case 'path':
    case 'other':
      return `${value.kind}:${value.text}`;
    case 'list':
      return `[${value.items.map(valueKey).join(',')}]`;
  }
}

/**
 * What the other files of a configuration can learn from this one's facts, without positions:
 * equal fingerprints mean their findings cannot change, so an edit that only moves text (or
 * touches options no rule reads) does not re-analyse the other open modules.
 */
export function factsFingerprint(facts: FileFacts): string {
  // (Option names never hold NUL, so joining with it keeps paths apart.)
  const keyOf = (path: readonly string[]): string => path.join('\u0000');
  const parts: string[] = [];
  for (const d of facts.definitions)
    parts.push(
      `${keyOf(d.path)}=${valueKey(d.value)}${d.conditional ? '?' : ''}${d.priority}${d.module.prefix.length}${d.module.nixos ? 'n' : ''}`,
    );
  for (const l of facts.lists) parts.push(`${keyOf(l.path)}[]`);
  return `${parts.join('\n')}\n${linksFingerprint(facts)}`;
}

/** What decides how files group into hosts: the system calls and the imports. */
export function linksFingerprint(facts: FileFacts): string {
  const systems = facts.systems.map((s) => `${s.key}:${s.modulePaths.join(',')}`);
  const imports = facts.imports.map((i) => `${i.system ?? ''}>${i.path}`);
  return `${systems.join(';')}|${imports.join(';')}`;
}
