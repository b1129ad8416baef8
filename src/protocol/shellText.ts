/**
 * The one quoting rule for every shell text we show (fix commands, "Copy Command", evidence): the
 * engine writes it, the CLI prints it, the editor types it into a terminal. It lives here because
 * the extension may import only src/protocol.
 *
 * Values (host names, key paths, file names, users) come from files a configuration repository or
 * a staged copy of another Mac controls, so each one is a single POSIX single-quoted word: inside
 * '…' no character is special to sh, bash, zsh or dash ($, `, \, !, ;, globs) except the quote
 * itself, written '\''. A word of only safe characters stays bare so ordinary commands read
 * naturally. A value with a control character (newline, carriage return, escape, C1, Unicode
 * format and line/paragraph separators) gets no command at all: a newline would end the command
 * when the text is typed or pasted, an escape sequence could rewrite what the terminal shows, and
 * bidirectional marks make the text read differently from what runs.
 */

/** C0/C1 controls and DEL, Unicode format characters (bidi marks, zero widths), U+2028/U+2029. */
const CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
/** What `printable` escapes: those, and a lone UTF-16 surrogate (no terminal can show it as text). */
const UNSAFE =
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;
const UNSAFE_TEST = new RegExp(UNSAFE.source, 'u');
const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };
/** Bare words: no shell meaning anywhere (a leading `=` is zsh's `=cmd` expansion, so quoted). */
const SAFE_WORD = /^[A-Za-z0-9_@%+:,./-][A-Za-z0-9_@%+=:,./-]*$/;

export function hasControlCharacter(text: string): boolean {
  return CONTROL.test(text);
}

/** Thrown by shellQuote for a value that must not become shell text; names the value. */
export class ControlCharacterError extends Error {
  readonly value: string;
  constructor(value: string) {
    super(`${printable(value)} contains a control character`);
    this.value = value;
  }
}

/** One argument as one shell word. Throws ControlCharacterError for a control character. */
export function shellQuote(word: string): string {
  if (hasControlCharacter(word)) throw new ControlCharacterError(word);
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** An argv as one command line. Throws ControlCharacterError for a control character. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** The command line, or undefined when an argument holds a control character. */
export function shellCommandOrUndefined(argv: readonly string[]): string | undefined {
  return argv.some(hasControlCharacter) ? undefined : shellCommand(argv);
}

function escapeCharacter(char: string): string {
  const named = NAMED_ESCAPES[char];
  if (named !== undefined) return named;
  const code = char.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/**
 * The one way text from the outside world (evidence, file names and contents, option names) is
 * shown, in reports, the CLI's output and the editor: every control character written as a visible
 * escape (`\n`, `\e`, `\x9b`, `\u{202e}`), so the text can neither break a line nor drive the
 * terminal. Not a command to run: a value with an escape shown here is not the value that ran.
 * `keepTabs` leaves tabs as they are (harmless on a terminal; source lines keep their look).
 */
export function printable(text: string, options: { keepTabs?: boolean } = {}): string {
  return text.replace(UNSAFE, (char) =>
    char === '\t' && options.keepTabs === true ? char : escapeCharacter(char),
  );
}

/**
 * A path as it is printed: unchanged when it is plain (so `file:line:col` stays clickable),
 * otherwise in double quotes with escapes, so a name with a newline cannot fake another line of
 * output and an escape sequence is shown, not obeyed.
 */
export function printablePath(path: string): string {
  if (!UNSAFE_TEST.test(path)) return path;
  return `"${path.replace(/["\\]/g, (c) => `\\${c}`).replace(UNSAFE, escapeCharacter)}"`;
}

/** An argv for reading: quoted as shellCommand, control characters shown as escapes. */
export function displayCommand(argv: readonly string[]): string {
  return argv.map((a) => shellQuote(printable(a))).join(' ');
}
