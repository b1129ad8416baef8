/**
 * Finding the .nix files of a folder: for `check` (the folders named on the command line) and for
 * the language server (the files of a configuration). Symlinked files and folders are followed,
 * with a guard on real paths against loops; a file reached under two spellings is listed once; an
 * unreadable entry is reported and the rest still listed.
 */
import { resolve, sep } from 'node:path';
import type { WorkspaceFs } from './fileSystem.js';
import { errorText } from '../protocol/errorText.js';

/** Folders that hold no configuration of the user's (build results, VCS data, dependencies). */
export const SKIPPED_DIRS = new Set(['.git', 'node_modules', 'result', '.direnv']);

export interface Skipped {
  path: string;
  reason: string;
}

export interface NixFileList {
  /** In walk order (names sorted per folder), each real file once, under the first spelling met. */
  files: string[];
  /** Paths that could not be read or followed, with why. */
  skipped: Skipped[];
}

class Walker {
  readonly files: string[] = [];
  readonly skipped: Skipped[] = [];
  private readonly realFiles = new Set<string>();
  private readonly realDirs = new Set<string>();

  /** Folders listed so far (a folder of many folders and few .nix files, like a home folder, is bounded too). */
  private dirs = 0;

  constructor(
    private readonly fs: WorkspaceFs,
    private readonly limit: number,
    private readonly dirLimit = Number.POSITIVE_INFINITY,
  ) {}

  get full(): boolean {
    return this.files.length >= this.limit || this.dirs >= this.dirLimit;
  }

  /** `real`: the file's real path when the caller knows it (a plain file in a folder whose real path is known). */
  addFile(path: string, real?: string): void {
    if (real === undefined) {
      try {
        real = this.fs.realpath(path);
      } catch (error) {
        this.skipped.push({ path, reason: errorText(error) });
        return;
      }
    }
    if (this.realFiles.has(real) || this.full) return;
    this.realFiles.add(real);
    this.files.push(path);
  }

  walk(dir: string): void {
    let real: string;
    let entries;
    try {
      real = this.fs.realpath(dir);
      // A symlink back to an ancestor (or two spellings of one folder) is walked once.
      if (this.realDirs.has(real) || this.full) return;
      this.realDirs.add(real);
      this.dirs++;
      entries = this.fs.list(dir);
    } catch (error) {
      this.skipped.push({ path: dir, reason: errorText(error) });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // `dir` is already a normalised path (resolved, or one of ours) and a listed name holds no
    // separator and is never `.` or `..`: joining by hand gives what path.join would, without
    // normalising every path again (path.join was most of listing a 500-file folder).
    const prefix = dir.endsWith(sep) ? dir : dir + sep;
    const realPrefix = real.endsWith(sep) ? real : real + sep;
    for (const entry of entries) {
      if (this.full) return;
      const full = prefix + entry.name;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = this.fs.stat(full);
        if (!target) {
          // A dangling link is no module of anyone's; a link to a .nix name that cannot be followed is worth saying.
          if (entry.name.endsWith('.nix'))
            this.skipped.push({ path: full, reason: 'symbolic link that cannot be followed' });
          continue;
        }
        isDir = target.isDirectory;
        isFile = target.isFile;
      }
      if (isDir) {
        if (!SKIPPED_DIRS.has(entry.name)) this.walk(full);
      } else if (isFile && entry.name.endsWith('.nix')) {
        // A file that is no symlink is where its folder really is: no realpath call per file
        // (3,500 of them were 2 % of a big check).
        this.addFile(full, entry.isSymbolicLink() ? undefined : realPrefix + entry.name);
      }
    }
  }
}

/**
 * The .nix files under `dir` (at most `limit`, and at most `dirLimit` folders listed, to stay cheap in a
 * big repository or a home folder).
 */
export function nixFilesUnder(
  dir: string,
  fs: WorkspaceFs,
  limit = Number.POSITIVE_INFINITY,
  dirLimit = Number.POSITIVE_INFINITY,
): NixFileList {
  const walker = new Walker(fs, limit, dirLimit);
  walker.walk(resolve(dir));
  return { files: walker.files, skipped: walker.skipped };
}

/**
 * The .nix files named by `check` arguments: files as given (whatever their name), folders
 * searched recursively. A path that does not exist is the caller's usage error (`missing`); one
 * that cannot be read is in `skipped`.
 */
export function collectNixFiles(
  paths: readonly string[],
  fs: WorkspaceFs,
): NixFileList & { missing: string[] } {
  const walker = new Walker(fs, Number.POSITIVE_INFINITY);
  const missing: string[] = [];
  for (const path of paths) {
    const info = fs.stat(path);
    if (!info) {
      // stat fails for a missing path and for one under an unreadable folder: tell them apart.
      try {
        fs.realpath(path);
        walker.skipped.push({ path, reason: 'cannot be read' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') missing.push(path);
        else walker.skipped.push({ path, reason: errorText(error) });
      }
    } else if (info.isDirectory) {
      walker.walk(path);
    } else if (!info.isFile) {
      // A FIFO or a device would block the read or never end.
      walker.skipped.push({ path, reason: 'not a regular file' });
    } else {
      walker.addFile(path);
    }
  }
  return { files: walker.files, skipped: walker.skipped, missing };
}
