/**
 * The whole configuration in Problems: when a workspace folder holds a nix-darwin configuration (a
 * flake, or a folder with darwin-configuration.nix), the findings of every module of it are published,
 * not only those of open files: the real cause of a broken builder often sits in a module nobody opens.
 *
 * Bounded work:
 * - at most `maxFiles` files per configuration (the workspace layer's limit) and per folder scan;
 * - files are judged a few at a time (slices of ~8 ms), so the server keeps answering; with progress
 *   shown for a large folder;
 * - a closed file's parse is kept (keyed by its modification time) and re-read only when the disk says
 *   it changed: an edit in an open module re-runs the rules on the others' kept parses (after a pause
 *   in typing), it never re-reads the folder.
 * Open documents are the document store's: their diagnostics are versioned and published there.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding } from '../protocol/findings.js';
import { parseNix, type ParsedNix } from '../nix/parse.js';
import { analysisFailed, analyzeParsed, type AnalyzeOptions } from '../rules/analyze.js';
import type { WorkspaceFs } from '../workspace/fileSystem.js';
import { nixFilesUnder } from '../workspace/nixFiles.js';
import type { Workspace } from '../workspace/workspace.js';

/** A file nix-darwin reads without a flake (`darwin-rebuild` looks for it in ~/.nixpkgs and its config dir). */
const DARWIN_CONFIGURATION = 'darwin-configuration.nix';

export interface ProgressReporter {
  report(percentage: number, message: string): void;
  done(): void;
}

export interface WorkspaceProblemsOptions {
  workspace: Workspace;
  fs: WorkspaceFs;
  isOpen: (uri: string) => boolean;
  analyzeOptions: (uri: string) => AnalyzeOptions;
  /** Publishes a closed file's findings (an empty list clears them). */
  publish: (uri: string, findings: Finding[]) => void;
  /** Progress for a large scan, when the client shows progress. */
  startProgress?: (title: string) => Promise<ProgressReporter | undefined>;
  log: (message: string) => void;
  /** How long typing in an open module must pause before the closed ones are judged again. */
  settleMs?: number;
  /** At most this many .nix files are looked at per workspace folder. */
  maxFiles?: number;
}

interface Kept {
  uri: string;
  mtimeMs: number;
  parsed: ParsedNix | undefined;
}

/** At most this many folders are listed per workspace folder (a home folder opened as a workspace). */
const MAX_FOLDERS = 5000;

/** Scans of more files than this show progress. */
const PROGRESS_ABOVE = 20;

export class WorkspaceProblems {
  private folders: string[] = [];
  /** The configuration roots whose files are published. */
  private readonly roots = new Set<string>();
  private readonly kept = new Map<string, Kept>();
  /** Files published with findings from here (cleared when they open, vanish or leave a root). */
  private readonly published = new Set<string>();
  private readonly queue = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private progress: { reporter: Promise<ProgressReporter | undefined>; total: number } | undefined;
  private disposed = false;

  constructor(private readonly options: WorkspaceProblemsOptions) {}

  /** The workspace folders (absolute paths): finds their configurations and judges every file. */
  setFolders(folders: readonly string[]): void {
    this.folders = [...folders];
    this.rescan();
  }

  /** Settings or what is known of the builder changed: every closed file is judged again. */
  judgeAll(): void {
    for (const root of this.roots) this.enqueueRoot(root);
    this.schedule(0);
  }

  /** A big configuration finished reading in the background: its files are judged. */
  rootReady(root: string): void {
    if (!this.roots.has(root)) return;
    this.enqueueRoot(root);
    this.schedule(0);
  }

  /** An open module's facts changed: the other files of its configuration, after a pause in typing. */
  configurationChanged(path: string): void {
    const root = this.options.workspace.configurationRoot(path);
    if (!this.roots.has(root)) return;
    this.enqueueRoot(root);
    this.schedule(this.options.settleMs ?? 400);
  }

  /** A file changed on disk (or was saved, created, deleted): re-read it, judge its configuration. */
  diskChanged(path: string): void {
    if (!path.endsWith('.nix')) {
      // A folder: forget what lay under it (deleted folders are reported as themselves).
      for (const file of [...this.kept.keys()]) if (file.startsWith(`${path}/`)) this.kept.delete(file);
      this.rescan();
      return;
    }
    this.kept.delete(path);
    if (path.endsWith('/flake.nix') || path.endsWith(`/${DARWIN_CONFIGURATION}`)) {
      this.rescan(); // configurations may have appeared, gone or moved
      return;
    }
    this.configurationChanged(path);
    this.queue.add(path);
    this.schedule(0);
  }

  /** The document was opened: from now on the document store publishes it. */
  opened(path: string): void {
    this.queue.delete(path);
    this.published.delete(path);
  }

  /** The document was closed: its file on disk is judged again (unsaved edits are gone). */
  closed(path: string): boolean {
    this.kept.delete(path);
    if (!this.roots.has(this.options.workspace.configurationRoot(path))) return false;
    this.queue.add(path);
    this.schedule(0);
    return true;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.queue.clear();
    void this.endProgress();
  }

  private rescan(): void {
    const { workspace, fs } = this.options;
    const before = new Set(this.roots);
    this.roots.clear();
    for (const folder of this.folders) {
      const { files } = nixFilesUnder(folder, fs, this.options.maxFiles ?? 2000, MAX_FOLDERS);
      for (const file of files) {
        const root = workspace.configurationRoot(file);
        if (this.roots.has(root)) continue;
        const isConfiguration =
          fs.stat(join(root, 'flake.nix'))?.isFile === true ||
          fs.stat(join(root, DARWIN_CONFIGURATION))?.isFile === true;
        if (isConfiguration) this.roots.add(root);
      }
    }
    // Files of configurations that are gone lose their findings.
    for (const path of [...this.published])
      if (!this.roots.has(workspace.configurationRoot(path))) this.clear(path);
    for (const root of this.roots) this.enqueueRoot(root);
    if (before.size !== this.roots.size || [...this.roots].some((r) => !before.has(r)))
      this.options.log(`whole-configuration problems for: ${[...this.roots].join(', ') || 'none'}`);
    this.schedule(0);
  }

  private enqueueRoot(root: string): void {
    for (const file of this.options.workspace.filesOf(root)) this.queue.add(file);
  }

  private schedule(delayMs: number): void {
    if (this.disposed || this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, delayMs);
  }

  /** Judges queued files for a few milliseconds, then yields to the event loop and goes on. */
  private drain(): void {
    if (this.disposed) return;
    this.running = true;
    const until = performance.now() + 8;
    if (!this.progress && this.queue.size > PROGRESS_ABOVE && this.options.startProgress)
      this.progress = {
        reporter: this.options.startProgress('Linux Builder Doctor: checking the configuration'),
        total: this.queue.size,
      };
    for (const path of this.queue) {
      if (performance.now() > until) break;
      this.queue.delete(path);
      const root = this.options.workspace.configurationRoot(path);
      // A big configuration being read in the background: its files wait for it (onReady re-queues).
      if (this.options.workspace.isWarming(root)) continue;
      this.judge(path, root);
    }
    if (this.progress) {
      const { total } = this.progress;
      const left = this.queue.size;
      void this.progress.reporter.then((r) =>
        r?.report(
          Math.round((100 * (total - left)) / Math.max(total, 1)),
          `${total - left} of ${total} files`,
        ),
      );
    }
    this.running = false;
    if (this.queue.size > 0) {
      setImmediate(() => this.drain());
      return;
    }
    void this.endProgress();
  }

  private async endProgress(): Promise<void> {
    const progress = this.progress;
    this.progress = undefined;
    (await progress?.reporter)?.done();
  }

  private judge(path: string, root: string): void {
    const uri = pathToFileURL(path).href;
    if (this.options.isOpen(uri)) return;
    if (!this.roots.has(root)) {
      this.clear(path);
      return;
    }
    const kept = this.read(path, uri);
    if (!kept) {
      this.clear(path); // gone or unreadable: nothing to show
      return;
    }
    let findings: Finding[];
    try {
      findings = kept.parsed
        ? analyzeParsed(kept.parsed, this.options.analyzeOptions(uri)).findings
        : [analysisFailed(new Error('the file could not be parsed'))];
    } catch (error) {
      findings = [analysisFailed(error)];
    }
    if (findings.length === 0 && !this.published.has(path)) return;
    if (findings.length > 0) this.published.add(path);
    else this.published.delete(path);
    this.options.publish(uri, findings);
  }

  /** The file's parse, kept until its modification time changes. */
  private read(path: string, uri: string): Kept | undefined {
    const info = this.options.fs.stat(path);
    if (!info?.isFile) {
      this.kept.delete(path);
      return undefined;
    }
    const kept = this.kept.get(path);
    if (kept && kept.mtimeMs === info.mtimeMs) return kept;
    let parsed: ParsedNix | undefined;
    try {
      parsed = parseNix(this.options.fs.readText(path));
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code !== undefined) return undefined; // unreadable (permissions, gone meanwhile)
      parsed = undefined; // the parser threw: said as analysis-failed
    }
    const fresh: Kept = { uri, mtimeMs: info.mtimeMs, parsed };
    this.kept.set(path, fresh);
    return fresh;
  }

  private clear(path: string): void {
    if (!this.published.delete(path)) return;
    this.options.publish(pathToFileURL(path).href, []);
  }
}
