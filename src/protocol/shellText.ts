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
const CONTROL_ALL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
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

/**
 * For reading only (evidence, reports): control characters shown as escapes (\n, \x1b, \u202e),
 * so the text can neither break a line nor drive the terminal. Not a command to run: a value with
 * an escape shown here is not the value that ran.
 */
export function printable(text: string): string {
  return text.replace(CONTROL_ALL, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.codePointAt(0) ?? 0;
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** An argv for reading: quoted as shellCommand, control characters shown as escapes. */
export function displayCommand(argv: readonly string[]): string {
  return argv.map((a) => shellQuote(printable(a))).join(' ');
}
