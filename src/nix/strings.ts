/**
 * Decoding Nix string literals to their values, as Nix 2.8 does (src/libexpr/lexer.l
 * `unescapeStr`, src/libexpr/parser.y `stripIndentation`). Works on the syntax tree's
 * String / IndentedString nodes; returns null when the string has interpolations.
 */
import type { SourceText } from './sourceText.js';
import type { SyntaxNode } from '@lezer/common';
import { ownText } from './ownText.js';

/** `\n` `\r` `\t` become control characters, `\x` becomes x; CR and CR LF become LF. */
export function unescapeDoubleQuoted(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      const e = raw[++i];
      out += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e;
    } else if (c === '\r') {
      out += '\n';
      if (raw[i + 1] === '\n') i++;
    } else {
      out += c;
    }
  }
  return out;
}

/** One lexer token of an indented string: plain text keeps "indentation", escapes do not. */
interface IndentedPart {
  text: string;
  hasIndentation: boolean;
}

/** Splits an indented string's raw content into Nix's tokens (plain runs and `''` escapes). */
function indentedParts(raw: string): IndentedPart[] {
  const parts: IndentedPart[] = [];
  let plain = '';
  const flush = (): void => {
    if (plain) parts.push({ text: plain, hasIndentation: true });
    plain = '';
  };
  for (let i = 0; i < raw.length; i++) {
    if (raw.startsWith("''", i) && i + 2 < raw.length) {
      const e = raw[i + 2];
      if (e === '$' || e === "'") {
        flush();
        parts.push({ text: e === '$' ? '$' : "''", hasIndentation: false });
        i += 2;
        continue;
      }
      if (e === '\\' && i + 3 < raw.length) {
        flush();
        const x = raw[i + 3] ?? '';
        parts.push({
          text: x === 'n' ? '\n' : x === 'r' ? '\r' : x === 't' ? '\t' : x,
          hasIndentation: false,
        });
        i += 3;
        continue;
      }
    }
    plain += raw[i];
  }
  flush();
  return parts;
}

/** Nix's indentation stripping over the tokens of a non-interpolated indented string. */
export function decodeIndented(raw: string): string {
  // The opening `''` swallows spaces and the newline that end its line.
  let skip = 0;
  while (raw[skip] === ' ') skip++;
  const parts = indentedParts(raw[skip] === '\n' ? raw.slice(skip + 1) : raw);
  let atStartOfLine = true;
  let minIndent = Number.MAX_SAFE_INTEGER;
  let curIndent = 0;
  for (const part of parts) {
    if (!part.hasIndentation) {
      if (atStartOfLine) {
        atStartOfLine = false;
        minIndent = Math.min(minIndent, curIndent);
      }
      continue;
    }
    for (const c of part.text) {
      if (atStartOfLine) {
        if (c === ' ') curIndent++;
        else if (c === '\n') curIndent = 0;
        else {
          atStartOfLine = false;
          minIndent = Math.min(minIndent, curIndent);
        }
      } else if (c === '\n') {
        atStartOfLine = true;
        curIndent = 0;
      }
    }
  }
  let out = '';
  atStartOfLine = true;
  let dropped = 0;
  parts.forEach((part, index) => {
    let s = '';
    for (const c of part.text) {
      if (atStartOfLine) {
        if (c === ' ') {
          if (dropped++ >= minIndent) s += c;
        } else if (c === '\n') {
          dropped = 0;
          s += c;
        } else {
          atStartOfLine = false;
          dropped = 0;
          s += c;
        }
      } else {
        s += c;
        if (c === '\n') atStartOfLine = true;
      }
    }
    // The last line is dropped when it holds only spaces (the indentation before `''`).
    if (index === parts.length - 1) {
      const nl = s.lastIndexOf('\n');
      if (nl >= 0 && [...s.slice(nl + 1)].every((c) => c === ' ')) s = s.slice(0, nl + 1);
    }
    out += s;
  });
  return out;
}

/** The value of a String or IndentedString node, or null when it interpolates. */
export function stringValue(node: SyntaxNode, text: SourceText): string | null {
  let content: SyntaxNode | null = null;
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.name === 'Interpolation') return null;
    if (c.name === 'StringContent') content ??= c;
  }
  if (node.name === 'String') {
    return content ? ownText(unescapeDoubleQuoted(text.slice(content.from, content.to))) : '';
  }
  const open = node.firstChild;
  const close = node.lastChild;
  if (!open || !close || close.from === open.from) return null;
  const end = close.name === 'IndentedContent' ? close.to : close.from;
  return ownText(decodeIndented(text.slice(open.to, end)));
}
