/** The .nix files named by the `check` arguments: files as given, folders searched recursively. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SKIPPED_DIRS } from '../rules/configuration.js';


export async function collectNixFiles(paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    const info = await stat(path); // a missing path throws: the caller reports it as a usage error
    if (info.isDirectory()) await walk(path, found);
    else found.push(path);
  }
  return [...new Set(found)];
}

async function walk(dir: string, found: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) await walk(full, found);
    } else if (entry.isFile() && entry.name.endsWith('.nix')) {
      found.push(full);
    }
  }
}
