/**
 * The configurations of one root (a flake's folder, or a folder without one), each with its merged
 * facts: one per host when hosts are known (hosts.ts), else one for all files. Tells each file the
 * contexts it is judged in; a file's new facts update the indexes of the groups it is in.
 */
import { FactsIndex, factsForSystem, type FileFacts } from '../rules/factsIndex.js';
import type { ConfigurationContext } from '../rules/perHost.js';
import { groupByHost, type HostGroup, type PathKind } from './hosts.js';

interface Indexed {
  group: HostGroup;
  index: FactsIndex;
}

export class RootConfigurations {
  private readonly indexed: Indexed[];
  private readonly byFile = new Map<string, Indexed[]>();
  /** Whether hosts were found (else one configuration holds every file). */
  readonly perHost: boolean;

  constructor(
    files: readonly string[],
    factsOf: (file: string) => FileFacts | undefined,
    kindOf: (path: string) => PathKind,
  ) {
    const groups = groupByHost(files, factsOf, kindOf);
    this.perHost = groups !== undefined;
    this.indexed = (groups ?? [{ host: undefined, members: new Set(files) }]).map((group) => ({
      group,
      index: new FactsIndex(),
    }));
    for (const entry of this.indexed) {
      for (const file of entry.group.members) {
        let list = this.byFile.get(file);
        if (!list) this.byFile.set(file, (list = []));
        list.push(entry);
        this.put(entry, file, factsOf(file));
      }
    }
  }

  /** Every file some configuration holds (the root's files and those they import from elsewhere). */
  files(): string[] {
    return [...this.byFile.keys()];
  }

  has(file: string): boolean {
    return this.byFile.has(file);
  }

  /** The contexts `file` is judged in: one per configuration holding it (none: judged alone). */
  contextsFor(file: string): ConfigurationContext[] {
    return (this.byFile.get(file) ?? []).map(({ group, index }) => ({
      host: group.host,
      elsewhere: index.elsewhereFor(file),
      system: group.origin?.file === file ? group.origin.system : undefined,
    }));
  }

  /** `file`'s facts changed (without changing its links: then the caller builds a new RootConfigurations). */
  update(file: string, facts: FileFacts | undefined): void {
    for (const entry of this.byFile.get(file) ?? []) this.put(entry, file, facts);
  }

  private put(entry: Indexed, file: string, facts: FileFacts | undefined): void {
    // A host sees only its own system call's modules of the file that holds several.
    entry.index.set(
      file,
      facts && entry.group.origin?.file === file ? factsForSystem(facts, entry.group.origin.system) : facts,
    );
  }
}
