/**
 * Files that the commands we SHOW name (evidence argv, "Copy Command", the report): the pinned
 * host key Nix would pass (`-oUserKnownHostsFile=…`) and, under a staged root, the generated ssh
 * config (`-F …`). They outlive the run, so a command pasted afterwards finds them: a temporary
 * file deleted at the end of the run made a pasted check on a healthy builder say
 * `Host key verification failed.` (issue 7 item 8). They are named by a hash of their content,
 * hold no secret (a public host key, ssh settings) and are rewritten by every run.
 *
 * Where: `<temp dir>/linux-builder-doctor-<uid>` (on macOS the per-user `$TMPDIR`), a folder only
 * this account may enter: a path outside the home folder stays as it is in redacted reports, so
 * the shown command still pastes. A folder there that is not ours (another owner, a symlink, open
 * to others) is never used; then `$XDG_CACHE_HOME/linux-builder-doctor` (default `~/.cache`).
 */
import { createHash } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

function cacheDir(env: NodeJS.ProcessEnv): string {
  const cache =
    env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME.startsWith('/')
      ? env.XDG_CACHE_HOME
      : join(env.HOME !== undefined && env.HOME.startsWith('/') ? env.HOME : homedir(), '.cache');
  return join(cache, 'linux-builder-doctor');
}

export function stableDir(env: NodeJS.ProcessEnv): string {
  const uid = process.getuid?.() ?? 0;
  const dir = join(tmpdir(), `linux-builder-doctor-${uid}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') return cacheDir(env);
  }
  try {
    const info = lstatSync(dir);
    if (info.isDirectory() && info.uid === uid && (info.mode & 0o077) === 0) return dir;
  } catch {
    /* vanished: use the cache folder */
  }
  return cacheDir(env);
}

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Write a file whole (a reader never sees half of it: another run may write the same file). */
export function writeWhole(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temporary, content, { mode: 0o600 });
  renameSync(temporary, file);
}

/** `<dir>/<sub>/`, created for this user only. */
export function stableSubdir(env: NodeJS.ProcessEnv, ...sub: string[]): string {
  const dir = join(stableDir(env), ...sub);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Staged roots come and go (tests stage one per scenario): their configs older than a week go. */
export const STALE_MS = 7 * 24 * 3600 * 1000;
/**
 * A sweep looks at every entry (thousands where tests stage a root per scenario: 2,600 cost a
 * probe run 13 ms), for entries that go after a week: once an hour is enough.
 */
export const SWEEP_EVERY_MS = 3600 * 1000;
/** The file whose mtime says when `dir` was last swept. */
const SWEPT = '.swept';

export function pruneStale(dir: string, now = Date.now()): void {
  const stamp = join(dir, SWEPT);
  try {
    const age = now - statSync(stamp).mtimeMs;
    if (age >= 0 && age < SWEEP_EVERY_MS) return;
  } catch {
    /* never swept */
  }
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name === SWEPT) continue;
    const path = join(dir, name);
    try {
      if (now - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      /* gone meanwhile */
    }
  }
  try {
    writeFileSync(stamp, '', { mode: 0o600 });
    utimesSync(stamp, now / 1000, now / 1000);
  } catch {
    /* not writable: the next run sweeps again */
  }
}
