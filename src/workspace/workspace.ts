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
import { configurationFacts } from '../rules/analyze.js';
import { FactsIndex, factsFingerprint, type FileFacts } from '../rules/factsIndex.js';
import type { Elsewhere } from '../rules/rule.js';
import { nodeFs, type WorkspaceFs } from './fileSystem.js';
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
}

export type FileChange = 'created' | 'changed' | 'deleted';

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
  index: FactsIndex;
  /** Each member's fingerprint as last put into `index`. */
  fingerprints: Map<string, string>;
}

const UNKNOWN = '\u0000unknown';

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

  constructor(options: WorkspaceOptions = {}) {
    this.fs = options.fs ?? nodeFs;
    this.roots = new RootCache(this.fs);
    this.watched = options.watched ?? (() => false);
    this.ttlMs = options.ttlMs ?? 5_000;
    this.maxFiles = options.maxFiles ?? 500;
    this.now = options.now ?? Date.now;
    this.rootsCheckedAt = this.now();
  }

  /** What the other files of `file`'s configuration define, for analysing `file`. */
  elsewhereFor(file: string): Elsewhere {
    return this.configuration(this.rootOf(file)).index.elsewhereFor(file);
  }

  /** Whether two files belong to one configuration (a change in one can change the other's findings). */
  sameConfiguration(a: string, b: string): boolean {
    return this.rootOf(a) === this.rootOf(b);
  }

  /**
   * An open document's facts after its latest analysis. True when they changed what the other
   * files of its configuration see: those documents then need a new analysis.
   */
  setOpen(file: string, facts: FileFacts): boolean {
    this.open.set(file, facts);
    return this.update(file);
  }

  /** The document was closed: from now on its file on disk counts. True when that changed its configuration's facts. */
  close(file: string): boolean {
    if (!this.open.delete(file)) return false;
    return this.update(file);
  }

  /**
   * A change on disk (watched files, or a save). True when it may have changed the facts of a
   * configuration around an open document (the caller re-analyses those).
   */
  fileChanged(file: string, change: FileChange): boolean {
    this.disk.delete(file);
    if (file.endsWith(`${sep}flake.nix`) && change !== 'changed') {
      // A new or removed flake moves configuration roots: start over.
      this.roots.clear();
      this.configurations.clear();
      return true;
    }
    if (!file.endsWith('.nix')) {
      // A folder (deleted folders are reported as themselves): forget what lay under it.
      if (change !== 'deleted') return false;
      let changed = false;
      for (const path of [...this.disk.keys()]) if (path.startsWith(file + sep)) this.disk.delete(path);
      for (const config of this.configurations.values()) {
        for (const member of [...config.members]) {
          if (!member.startsWith(file + sep) || this.open.has(member)) continue;
          config.members.delete(member);
          config.index.set(member, undefined);
          config.fingerprints.delete(member);
          changed = true;
        }
      }
      return changed;
    }
    const config = this.configurations.get(this.rootOf(file));
    if (!config) return false;
    if (change !== 'deleted') config.members.add(file); // (a change of a file not seen created is a creation)
    if (change === 'deleted' && !this.open.has(file)) {
      config.members.delete(file);
      config.index.set(file, undefined);
      return config.fingerprints.delete(file);
    }
    return this.update(file);
  }

  /** Puts `file`'s current facts into its configuration's index; true when they differ from before. */
  private update(file: string): boolean {
    const config = this.configurations.get(this.rootOf(file));
    if (!config) return false; // built on first use, from the current facts
    if (!config.members.has(file)) {
      if (!this.open.has(file)) return false;
      config.members.add(file);
    }
    return this.refreshMember(config, file);
  }

  private refreshMember(config: Configuration, file: string): boolean {
    const facts = this.factsOf(file);
    const fingerprint = facts ? factsFingerprint(facts) : UNKNOWN;
    config.index.set(file, facts);
    const before = config.fingerprints.get(file);
    config.fingerprints.set(file, fingerprint);
    return before !== fingerprint;
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
    const listed = nixFilesUnder(root, this.fs, this.maxFiles).files;
    const members = new Set(listed);
    for (const file of this.open.keys()) if (file.startsWith(root + sep) && this.rootOf(file) === root) members.add(file);
    if (!config) {
      config = { root, members, listedAt: this.now(), index: new FactsIndex(), fingerprints: new Map() };
      this.configurations.set(root, config);
    } else {
      for (const gone of config.members) {
        if (members.has(gone)) continue;
        config.index.set(gone, undefined);
        config.fingerprints.delete(gone);
      }
      config.members = members;
      config.listedAt = this.now();
    }
    for (const member of members) this.refreshMember(config, member);
    return config;
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
