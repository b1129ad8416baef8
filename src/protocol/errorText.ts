/**
 * The one way an error becomes text, for users and for logs alike. It lives in src/protocol because
 * every layer, the extension included, may import it (docs/dev/architecture.md#layers).
 *
 * A thrown value is `unknown`: an Error, a Node system error, or anything a library threw.
 * `String(error)` of an Error prints "Error: …" and `(error as Error).message` prints "undefined" for
 * a string, so callers never format one themselves. A file-system error is named in plain words (its
 * message repeats the path the caller already shows, in Node's `ENOENT: …, open '…'` form).
 */

/** Node's error codes for the file-system failures a user can act on, in plain words. */
const PLAIN_REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'no such file or folder',
  ELOOP: 'too many levels of symbolic links',
  EISDIR: 'is a folder',
  ENOTDIR: 'not a folder',
};

/**
 * What `error` says. `stack: true` (for logs, where a developer reads it): an Error's stack trace,
 * which starts with its message.
 */
export function errorText(error: unknown, options: { stack?: boolean } = {}): string {
  if (!(error instanceof Error)) return String(error);
  if (options.stack === true && error.stack !== undefined) return error.stack;
  const code = (error as NodeJS.ErrnoException).code;
  return (code !== undefined ? PLAIN_REASONS[code] : undefined) ?? error.message;
}
