/**
 * Which checked files form one configuration, so their modules can see each other's options: the
 * files under the nearest folder holding a flake.nix, or, without a flake, the files of one folder.
 * (A folder of several unrelated configurations, like examples/, must not mix them.)
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export function configurationRoot(file: string): string {
  const start = dirname(resolve(file));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'flake.nix'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

/** The files grouped by configuration root. */
export function groupByConfiguration(files: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const file of files) {
    const root = configurationRoot(file);
    groups.set(root, [...(groups.get(root) ?? []), file]);
  }
  return groups;
}

/** Folders that hold no configuration of the user's (build results, VCS data, dependencies). */
export const SKIPPED_DIRS = new Set(['.git', 'node_modules', 'result', '.direnv']);

/** The .nix files of the configuration rooted at `root` (at most `limit`, to stay cheap in a big repository). */
export function configurationFiles(root: string, limit = 500): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // an unreadable folder is not part of what we can check
    }
    for (const entry of entries) {
      if (found.length >= limit) return;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(full);
      } else if (entry.isFile() && entry.name.endsWith('.nix')) {
        found.push(full);
      }
    }
  };
  walk(root);
  return found.sort();
}
