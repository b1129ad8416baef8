/**
 * Writes a fixed file without ever losing data (what `check --fix` needs):
 * - the file must still hold exactly the text the fixes were computed for (else it is left alone:
 *   an editor or a formatter changed it meanwhile);
 * - the new text goes to a temporary file next to it (same folder, so the same file system), is
 *   flushed to disk, gets the original's permissions, and then replaces the file in one rename:
 *   a crash leaves either the old file or the new one, never half of one;
 * - a symlinked module is written where the link points (the link stays a link);
 * - a file with other hard links is refused (a rename would split it from them).
 */
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** Throws an Error whose message says why the file was left as it was. */
export function replaceFileText(path: string, expected: string, next: string): void {
  const real = realpathSync(path);
  const info = statSync(real);
  if (!info.isFile()) throw new Error('not a regular file');
  if (info.nlink > 1) throw new Error('it has other hard links, which a replacement would split off');
  if (readFileSync(real, 'utf8') !== expected)
    throw new Error('it changed on disk while it was being checked');
  const temporary = join(dirname(real), `.${basename(real)}.lbd-fix-${randomBytes(6).toString('hex')}`);
  // 'wx': never follow or reuse something already there.
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    try {
      writeSync(fd, next);
      fchmodSync(fd, info.mode & 0o7777);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, real);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // already renamed or gone
    }
    throw error;
  }
  // The rename itself reaches the disk with the folder's entry (best effort: not every file system allows it).
  try {
    const dir = openSync(dirname(real), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // e.g. EISDIR/EPERM on some file systems: the rename is still atomic
  }
}
