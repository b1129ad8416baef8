/**
 * Which files form one configuration, so their modules can see each other's options: the files
 * under the nearest folder holding a flake.nix, or, without a flake, the files of one folder (a
 * folder of several unrelated configurations, like examples/, must not mix them).
 * The answer per folder is cached: a keystroke must not walk up to `/` (`RootCache.clear` when a
 * flake.nix appears or goes away).
 */
import { dirname, join, resolve } from 'node:path';
import type { WorkspaceFs } from './fileSystem.js';

export class RootCache {
  /** Whether a folder holds a flake.nix, as first seen. */
  private readonly flakeIn = new Map<string, boolean>();

  constructor(private readonly fs: WorkspaceFs) {}

  /** The configuration root of `file` (an absolute or relative path). */
  rootOf(file: string): string {
    const start = dirname(resolve(file));
    for (let dir = start; ; dir = dirname(dir)) {
      if (this.hasFlake(dir)) return dir;
      if (dirname(dir) === dir) return start;
    }
  }

  /** Forget what was seen (a flake.nix was created or deleted). */
  clear(): void {
    this.flakeIn.clear();
  }

  private hasFlake(dir: string): boolean {
    let known = this.flakeIn.get(dir);
    if (known === undefined)
      this.flakeIn.set(dir, (known = this.fs.stat(join(dir, 'flake.nix'))?.isFile === true));
    return known;
  }
}
