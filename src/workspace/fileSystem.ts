/**
 * The file system as the workspace layer uses it: the only place (with the CLI's own commands)
 * that touches the disk for configuration analysis. Rules and src/nix never do (lint enforces it).
 */
import { readFileSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';

export interface FileStat {
  isFile: boolean;
  isDirectory: boolean;
  mtimeMs: number;
}

export interface WorkspaceFs {
  readText(path: string): string;
  /** Follows symlinks; undefined when the path does not exist or cannot be reached. */
  stat(path: string): FileStat | undefined;
  /** Throws when the folder cannot be read (the caller decides whether that matters). */
  list(dir: string): Dirent[];
  /** Throws when the path does not exist. */
  realpath(path: string): string;
}

/** (An options object, not the string 'utf8': Node 20 builds an options object from the string on
 *  every call, ~1 µs, a fifth of reading one of a big check's files.) */
const UTF8 = { encoding: 'utf8' } as const;

export const nodeFs: WorkspaceFs = {
  readText: (path) => readFileSync(path, UTF8),
  stat: (path) => {
    try {
      const info = statSync(path);
      return { isFile: info.isFile(), isDirectory: info.isDirectory(), mtimeMs: info.mtimeMs };
    } catch {
      return undefined;
    }
  },
  list: (dir) => readdirSync(dir, { withFileTypes: true }),
  // (The native call is one realpath(3); the JS one lstats every path component.)
  realpath: (path) => realpathSync.native(path),
};

/** Whether a path is a file, a folder, or neither (missing or unreachable). */
export function kindOf(fs: WorkspaceFs, path: string): 'file' | 'directory' | undefined {
  const info = fs.stat(path);
  return info?.isFile ? 'file' : info?.isDirectory ? 'directory' : undefined;
}
