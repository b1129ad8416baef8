/**
 * The language server's view of the configurations around its open documents: which files form
 * one configuration, what each of them defines (from the editor when open, from disk otherwise)
 * and the merged facts of each configuration, kept up to date by the editor's notifications
 * (open/change/close, and `workspace/didChangeWatchedFiles` for the disk), so a keystroke neither
 * walks the file system nor merges every module again.
 *
 * Without disk notifications (a client that cannot watch files), what was read from disk is
 * trusted for `ttlMs` and then checked again (folder listing and modification times).
 */
import { sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { configurationFacts } from '../rules/analyze.js';
import { factsFingerprint, linksFingerprint, type FileFacts } from '../rules/factsIndex.js';
import type { ConfigurationContext } from '../rules/perHost.js';
import { RootConfigurations } from './configurations.js';
import { kindOf, nodeFs, type WorkspaceFs } from './fileSystem.js';
import { nixFilesUnder } from './nixFiles.js';
import { RootCache } from './roots.js';

export interface WorkspaceOptions {
  fs?: WorkspaceFs;
  /** Whether the client reports changes on disk (`fileChanged`). */
  watched?: () => boolean;
  /** How long disk state is trusted when nothing reports changes. */
  ttlMs?: number;
  /** At most this many files per configuration are read (a huge repository stays cheap). */
  maxFiles?: number;
  now?: () => number;
  /**
   * Read a configuration with more files than this not yet read in the background (a few files per
   * turn of the event loop), judging its open documents alone meanwhile; `onReady` then says so.
   * Without `onReady` everything is read at once.
   */
  backgroundAbove?: number;
  /** A configuration read in the background is ready: its open documents should be judged again. */
  onReady?: (root: string) => void;
  /**
   * Whether something more urgent is under way (an open document's analysis, in slices): the
   * background read waits for it, so the document's first diagnostics are not held up by it.
   */
  urgent?: () => boolean;
}

export type FileChange = 'created' | 'changed' | 'deleted';

/** What a new version of a file changed for the others: nothing, their facts, or how files group into hosts. */
export type FactsChange = 'none' | 'facts' | 'groups';

interface DiskFacts {
  facts: FileFacts | undefined;
  mtimeMs: number;
  checkedAt: number;
}

interface Configuration {
  root: string;
  /** The files of the root listed on disk, plus open documents under it that are not (yet) on disk. */
  members: Set<string>;
  listedAt: number;
  /** The grouping into hosts with each group's merged facts; rebuilt when a file's links change. */
  groups: RootConfigurations | undefined;
  /** Each file's fingerprints as last used (members, and files outside the root they import). */
  fingerprints: Map<string, string>;
  links: Map<string, string>;
}

const UNKNOWN = '\u0000unknown';
/** The links of a file without facts: none (so learning that a new file imports nothing regroups nothing). */
const NO_LINKS = linksFingerprint({ definitions: [], lists: [], systems: [], imports: [] });

/** Turns of the event loop without urgent work before a background read step runs (readInBackground). */
const QUIET_TURNS = 3;

export class Workspace {
  private readonly fs: WorkspaceFs;
  private readonly roots: RootCache;
  private readonly open = new Map<string, FileFacts>();
  private readonly disk = new Map<string, DiskFacts>();
  private readonly configurations = new Map<string, Configuration>();
  private readonly watched: () => boolean;
  private readonly ttlMs: number;
  private readonly maxFiles: number;
  private readonly now: () => number;
  private rootsCheckedAt: number;
  private readonly backgroundAbove: number;
  private readonly onReady: ((root: string) => void) | undefined;
  private readonly urgent: () => boolean;
  /** Roots being read in the background. */
  private readonly warming = new Set<string>();

  constructor(options: WorkspaceOptions = {}) {
    this.fs = options.fs ?? nodeFs;
    this.roots = new RootCache(this.fs);
    this.watched = options.watched ?? (() => false);
    this.ttlMs = options.ttlMs ?? 5_000;
    this.maxFiles = options.maxFiles ?? 500;
    this.now = options.now ?? Date.now;
    this.rootsCheckedAt = this.now();
    this.backgroundAbove = options.backgroundAbove ?? 64;
    this.onReady = options.onReady;
    this.urgent = options.urgent ?? (() => false);
  }

  /** The root of the configuration `file` belongs to (a flake's folder, or the file's own folder). */
  configurationRoot(file: string): string {
    return this.rootOf(file);
  }

  /** The files of the configuration rooted at `root` (listed on disk, at most `maxFiles`, plus open ones). */
  filesOf(root: string): string[] {
    return [...this.configuration(root).members];
  }

  /** Whether `root` is being read in the background (its files are judged once `onReady` says so). */
  isWarming(root: string): boolean {
    return this.warming.has(root);
  }

  /** Whether `file` lies in the configuration rooted at `root` (see `onReady`). */
  inRoot(file: string, root: string): boolean {
    return this.rootOf(file) === root;
  }

  /** The configurations `file` is judged in (one per host that reaches it), with the other files' facts. */
  contextsFor(file: string): ConfigurationContext[] {
    const config = this.configuration(this.rootOf(file));
    const joins = !config.members.has(file);
    if (joins) {
      // Being analysed, so open (a new file, on disk or not yet): a member from now on.
      config.members.add(file);
      config.groups = undefined;
    }
    if (!config.groups && this.onReady && this.readInBackground(config)) return []; // alone until read
    const groups = this.groupsOf(config);
    // The other open documents were judged without it: its first facts must count as a change.
    if (joins) config.fingerprints.set(file, UNKNOWN);
    return groups.contextsFor(file);
  }

  /** Whether a change of `changed` can change the findings of `file` (one configuration holds both). */
  sameConfiguration(changed: string, file: string): boolean {
    const root = this.rootOf(file);
    return root === this.rootOf(changed) || this.configurations.get(root)?.groups?.has(changed) === true;
  }

  /** An open document's facts after its latest analysis: what that changed for the other files. */
  setOpen(file: string, facts: FileFacts): FactsChange {
    this.open.set(file, facts);
    return this.update(file);
  }

  /** The document was closed: from now on its file on disk counts. */
  close(file: string): FactsChange {
    if (!this.open.delete(file)) return 'none';
    return this.update(file);
  }

  /** A change on disk (watched files, or a save): what it changed for the configurations around it. */
  fileChanged(file: string, change: FileChange): FactsChange {
    this.disk.delete(file);
    if (file.endsWith(`${sep}flake.nix`) && change !== 'changed') {
      // A new or removed flake moves configuration roots: start over.
      this.roots.clear();
      this.configurations.clear();
      return 'groups';
    }
    if (!file.endsWith('.nix')) {
      // A folder (deleted folders are reported as themselves): forget what lay under it.
      if (change !== 'deleted') return 'none';
      let result: FactsChange = 'none';
      for (const path of [...this.disk.keys()]) if (path.startsWith(file + sep)) this.disk.delete(path);
      for (const config of this.configurations.values()) {
        for (const member of [...config.members]) {
          if (!member.startsWith(file + sep) || this.open.has(member)) continue;
          config.members.delete(member);
          config.groups = undefined;
          result = 'groups';
        }
      }
      return result;
    }
    const config = this.configurations.get(this.rootOf(file));
    if (config && change === 'deleted' && !this.open.has(file)) {
      if (!config.members.delete(file)) return this.update(file);
      config.groups = undefined;
      return 'groups';
    }
    if (config && !config.members.has(file)) {
      // (a change of a file not seen created is a creation)
      config.members.add(file);
      config.groups = undefined;
      return 'groups';
    }
    return this.update(file);
  }

  /** Puts `file`'s current facts into every configuration holding it. */
  private update(file: string): FactsChange {
    let result: FactsChange = 'none';
    const home = this.configurations.get(this.rootOf(file));
    if (home && !home.members.has(file) && this.open.has(file)) {
      home.members.add(file);
      home.groups = undefined;
      result = 'groups';
    }
    for (const config of this.configurations.values()) {
      if (!config.fingerprints.has(file)) continue;
      const facts = this.factsOf(file);
      const links = facts ? linksFingerprint(facts) : NO_LINKS;
      const fingerprint = facts ? factsFingerprint(facts) : UNKNOWN;
      if (links !== config.links.get(file)) {
        config.groups = undefined; // rebuilt on next use, with the new links
        result = 'groups';
      } else if (fingerprint !== config.fingerprints.get(file)) {
        config.groups?.update(file, facts);
        if (result === 'none') result = 'facts';
      }
      config.links.set(file, links);
      config.fingerprints.set(file, fingerprint);
    }
    return result;
  }

  private rootOf(file: string): string {
    if (!this.watched() && this.now() - this.rootsCheckedAt > this.ttlMs) {
      this.roots.clear();
      this.rootsCheckedAt = this.now();
    }
    return this.roots.rootOf(file);
  }

  private configuration(root: string): Configuration {
    let config = this.configurations.get(root);
    const stale = config !== undefined && !this.watched() && this.now() - config.listedAt > this.ttlMs;
    if (config && !stale) return config;
    const members = new Set(nixFilesUnder(root, this.fs, this.maxFiles).files);
    for (const file of this.open.keys())
      if (file.startsWith(root + sep) && this.rootOf(file) === root) members.add(file);
    if (!config) {
      config = {
        root,
        members,
        listedAt: this.now(),
        groups: undefined,
        fingerprints: new Map(),
        links: new Map(),
      };
      this.configurations.set(root, config);
    } else {
      config.members = members;
      config.listedAt = this.now();
    }
    // Re-read what changed on disk (modification times) and group again.
    config.groups = undefined;
    return config;
  }

  /**
   * Starts (or continues) reading a big configuration's files in slices of a few milliseconds, so
   * opening a module inside a large flake costs about what the module alone costs and the server
   * keeps answering meanwhile. True while files remain to be read.
   */
  private readInBackground(config: Configuration): boolean {
    if (this.warming.has(config.root)) return true;
    const pending = [...config.members].filter((f) => !this.open.has(f) && !this.disk.has(f));
    if (pending.length <= this.backgroundAbove) return false;
    this.warming.add(config.root);
    // Reading starts QUIET_TURNS turns of the event loop after urgent work ends (or after it was
    // started): the diagnostics that work published leave in those turns (vscode-jsonrpc queues
    // each write for the next turn, server/coalescedOutput.ts sends once per turn), and a slice
    // run before them held the first diagnostics of a module opened inside a big flake ~2x as long
    // as the same module alone's (bench: 55.5 vs 27.0 ms; with the read started 100 ms later, 22.8).
    let quiet = 0;
    const step = (): void => {
      quiet = this.urgent() ? 0 : quiet + 1;
      if (quiet <= QUIET_TURNS) {
        setImmediate(step);
        return;
      }
      const until = performance.now() + 8;
      for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
        this.factsOf(next);
        if (performance.now() > until) break;
      }
      if (pending.length > 0) {
        setImmediate(step);
        return;
      }
      this.warming.delete(config.root);
      config.groups = undefined;
      this.onReady?.(config.root);
    };
    setImmediate(step);
    return true;
  }

  private groupsOf(config: Configuration): RootConfigurations {
    if (config.groups) return config.groups;
    config.fingerprints.clear();
    config.links.clear();
    const factsOf = (file: string): FileFacts | undefined => {
      const facts = this.factsOf(file);
      config.fingerprints.set(file, facts ? factsFingerprint(facts) : UNKNOWN);
      config.links.set(file, facts ? linksFingerprint(facts) : NO_LINKS);
      return facts;
    };
    config.groups = new RootConfigurations([...config.members], factsOf, (path) => kindOf(this.fs, path));
    return config.groups;
  }

  /** The facts of a file: the editor's when open, else from disk (cached; re-read when it changed). */
  private factsOf(file: string): FileFacts | undefined {
    const open = this.open.get(file);
    if (open) return open;
    const cached = this.disk.get(file);
    const now = this.now();
    if (cached && (this.watched() || now - cached.checkedAt <= this.ttlMs)) return cached.facts;
    const info = this.fs.stat(file);
    if (!info?.isFile) {
      this.disk.delete(file);
      return undefined;
    }
    if (cached && cached.mtimeMs === info.mtimeMs) {
      cached.checkedAt = now;
      return cached.facts;
    }
    let facts: FileFacts | undefined;
    try {
      facts = configurationFacts(this.fs.readText(file));
    } catch {
      facts = undefined; // unreadable: the configuration is judged without it
    }
    this.disk.set(file, { facts, mtimeMs: info.mtimeMs, checkedAt: now });
    return facts;
  }
}
