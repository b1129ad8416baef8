/**
 * Text from the outside world (file names, file contents, option names) made safe to print on a
 * terminal: a file may be called `a\nb.nix` or hold an escape sequence that would recolour,
 * retitle or rewrite the user's terminal. Nothing from input reaches stdout/stderr raw.
 */

/** Control characters (C0, DEL, C1), bidirectional and other format controls, line/paragraph separators. */
const UNSAFE =
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;
const UNSAFE_TEST = new RegExp(UNSAFE.source, 'u');

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

function escapeChar(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/**
 * `text` with every unsafe character written as a visible escape (`\e`, `\n`, `\x9b`, `\u{202e}`);
 * tabs are kept (harmless, and source lines keep their look).
 */
export function printable(text: string): string {
  return text.replace(UNSAFE, (char) => (char === '\t' ? char : escapeChar(char)));
}

/**
 * A path as it is printed: unchanged when it is plain (so `file:line:col` stays clickable),
 * otherwise in double quotes with escapes, so a name with a newline cannot fake another line of
 * output and an escape sequence is shown, not obeyed.
 */
export function printablePath(path: string): string {
  if (!UNSAFE_TEST.test(path)) return path;
  return `"${path.replace(/["\\]/g, (c) => `\\${c}`).replace(UNSAFE, escapeChar)}"`;
}
