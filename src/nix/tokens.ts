/**
 * External tokenizers for the parts of Nix whose lexing depends on context: the inside of
 * "…" strings, of ''…'' indented strings, and path literals (with `${…}` interpolation).
 * The rules mirror Nix 2.8's flex lexer (src/libexpr/lexer.l): which character runs are string
 * content, which `''` sequences are escapes (`''$`, `'''`, `''\x`) rather than the closing
 * delimiter, and the longest-match rule that makes `a/b` a path but `a / b` a division.
 * URIs are scanned here too (not by the grammar's DFA) for the same reason as paths: see
 * RunCache.
 *
 * Linear on hostile input (docs/dev/security.md#nothing-hangs-or-crashes-on-hostile-nix): a path
 * or URI is found by scanning a run of characters, and the parser asks again at every position
 * inside that run (`a.a.a…` is a select chain, `---…1` a chain of negations). Scanning the run
 * afresh each time made 50,000 dotted components take over a minute; the scan's result is kept
 * per parse and reused for every later position inside the same run.
 */
import { ExternalTokenizer, type InputStream } from '@lezer/lr';
import {
  identifier,
  kwAssert,
  kwElse,
  kwIf,
  kwIn,
  kwInherit,
  kwLet,
  kwOr,
  kwRec,
  kwThen,
  kwWith,
  IndentedContent,
  Uri,
  indStringEnd,
  MissingQuote,
  PathContent,
  pathInterpStart,
  pathLiteral,
  PathStart,
  PathTrailingSlash,
  SearchPath,
  StringContent,
} from './generated/terms.js';

const ch = {
  quote: 34, // "
  dollar: 36, // $
  apostrophe: 39, // '
  star: 42, // *
  slash: 47, // /
  lt: 60, // <
  gt: 62, // >
  backslash: 92, // \
  openBrace: 123, // {
  closeBrace: 125, // }
  tilde: 126, // ~
  colon: 58, // :
  semicolon: 59, // ;
  newline: 10,
} as const;

/** Nix's PATH_CHAR: [a-zA-Z0-9._\-+]. */
export function isPathChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 46 ||
    c === 95 ||
    c === 45 ||
    c === 43
  );
}

function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/**
 * How one parse reads "…" strings beyond the grammar (parse.ts): where a string is taken to end
 * with a MissingQuote, and, when asked, where each string content that runs over a line break
 * would be cut. Keyed by the parse's InputStream, like RunCache.
 */
export interface StringReading {
  /** Positions (ascending) where a string's content stops and a MissingQuote ends the string. */
  readonly breaks: readonly number[];
  /** When set, every content token read that holds a line break, with where it would be cut. */
  readonly multiLine?: MultiLineContent[] | undefined;
}

export interface MultiLineContent {
  /** Where the content token ends (the closing quote or `${` that ended it, or the text's end). */
  end: number;
  /**
   * Where a MissingQuote could go if the string were not meant to run on, most likely first:
   * before each `;` of its first line (`x = "abc;` or `{ x = "abc; }` most likely meant `"abc";`),
   * then at that line's end.
   */
  cuts: number[];
}

/** Semicolons of a string's first line tried as the place of a missing quote. */
const MAX_SEMICOLON_CUTS = 3;

export const stringReadings = new WeakMap<InputStream, StringReading>();

/** The first break at or after `pos`, or -1. */
function nextBreak(breaks: readonly number[], pos: number): number {
  for (const b of breaks) if (b >= pos) return b;
  return -1;
}

/**
 * Content of a "…" string up to the closing quote, an unescaped `${`, or the end of input; or,
 * where the parse's StringReading puts a break, up to the break, and there a MissingQuote.
 */
export const stringTokens = new ExternalTokenizer((input, stack) => {
  const reading = stringReadings.get(input);
  const stopAt = reading && reading.breaks.length > 0 ? nextBreak(reading.breaks, input.pos) : -1;
  if (stopAt === input.pos) {
    if (stack.canShift(MissingQuote)) input.acceptToken(MissingQuote, 0);
    return;
  }
  let length = 0;
  // The first unescaped line break, and the `;`s before it (looked for only when asked).
  const multiLine = reading?.multiLine;
  let newline = multiLine ? -1 : 0;
  const semicolons: number[] = [];
  for (;;) {
    if (input.pos + length === stopAt) break;
    const c = input.peek(length);
    if (c < 0 || c === ch.quote) break;
    const n = input.peek(length + 1);
    if (c === ch.dollar) {
      if (n === ch.openBrace) break;
      // `$x` is a pair in Nix's lexer, so `$${` is a literal `$${`, not an interpolation.
      if (n === ch.quote || n < 0) length += 1;
      else if (n === ch.backslash) length += input.peek(length + 2) >= 0 ? 3 : 2;
      else length += 2;
      continue;
    }
    if (newline < 0) {
      if (c === ch.newline) newline = length;
      else if (c === ch.semicolon && semicolons.length < MAX_SEMICOLON_CUTS) semicolons.push(length);
    }
    // A backslash escapes whatever follows, including a quote or `$`.
    length += c === ch.backslash && n >= 0 ? 2 : 1;
  }
  if (length === 0) return;
  if (multiLine && newline >= 0)
    multiLine.push({
      end: input.pos + length,
      cuts: [...semicolons, newline].map((at) => input.pos + at),
    });
  input.acceptToken(StringContent, length);
});

/**
 * Content of a ''…'' string, or its closing `''`. `''$`, `'''` and `''\x` are escapes and
 * belong to the content; any other `''` closes the string.
 */
export const indentedStringTokens = new ExternalTokenizer((input) => {
  let length = 0;
  for (;;) {
    const c = input.peek(length);
    if (c < 0) break;
    if (c === ch.dollar) {
      const n = input.peek(length + 1);
      if (n === ch.openBrace) break;
      // As in "…" strings, `$x` is a pair: `$${` stays literal.
      length += n === ch.apostrophe || n < 0 ? 1 : 2;
      continue;
    }
    if (c === ch.apostrophe && input.peek(length + 1) === ch.apostrophe) {
      const after = input.peek(length + 2);
      if (after === ch.dollar || after === ch.apostrophe) {
        length += 3;
        continue;
      }
      if (after === ch.backslash && input.peek(length + 3) >= 0) {
        length += 4;
        continue;
      }
      if (length === 0) input.acceptToken(indStringEnd, 2);
      break;
    }
    length += 1;
  }
  if (length > 0) input.acceptToken(IndentedContent, length);
});

/** True when the previous character ends a path piece (no whitespace or comment in between). */
function followsPathPiece(input: InputStream): boolean {
  const prev = input.peek(-1);
  if (prev < 0 || isWhitespace(prev)) return false;
  // `*/` ends a block comment; a path piece never ends in `*`.
  return !(prev === ch.slash && input.peek(-2) === ch.star);
}

function startsInterpolation(input: InputStream, offset: number): boolean {
  return input.peek(offset) === ch.dollar && input.peek(offset + 1) === ch.openBrace;
}

/** `<nixpkgs/lib>`: SPATH = '<' PATH_CHAR+ ('/' PATH_CHAR+)* '>'. Returns its length or 0. */
function searchPathLength(input: InputStream): number {
  let i = 1;
  for (;;) {
    const start = i;
    while (isPathChar(input.peek(i))) i++;
    if (i === start) return 0;
    const c = input.peek(i);
    if (c === ch.gt) return i + 1;
    if (c !== ch.slash) return 0;
    i++;
  }
}

/**
 * What one scan of a run of characters proved, valid for every start position inside it: the
 * scan's stopping point does not depend on where inside the run it started. One per parse
 * (keyed by the parse's InputStream, which lives exactly as long as the parse), holding the last
 * run of each kind: the parser moves forward, so the next question is nearly always about the
 * same run or a later one.
 */
interface RunCache {
  /** Path chain: positions [from, end) are path characters or `/` + path character. */
  pathFrom: number;
  pathEnd: number;
  /** The last `/` inside [pathFrom, pathEnd), or -1. */
  pathLastSlash: number;
  /** URI scheme: positions [from, end) are scheme characters ([a-zA-Z0-9+\-.]). */
  schemeFrom: number;
  schemeEnd: number;
}

const runCaches = new WeakMap<InputStream, RunCache>();
/**
 * The stream asked about last and its cache: a thread runs one parse at a time, so nearly every
 * call is about the same stream as the one before, and this spares the WeakMap lookup (a tenth of
 * the tokenizers' time). It keeps that one stream alive until another is asked about.
 */
let lastInput: InputStream | null = null;
let lastCache: RunCache | null = null;

function runCache(input: InputStream): RunCache {
  if (input === lastInput && lastCache) return lastCache;
  let cache = runCaches.get(input);
  if (!cache) {
    cache = { pathFrom: -1, pathEnd: -1, pathLastSlash: -1, schemeFrom: -1, schemeEnd: -1 };
    runCaches.set(input, cache);
  }
  lastInput = input;
  lastCache = cache;
  return cache;
}

/**
 * From `start` (absolute), the end of the chain of path characters and `/`s each followed by a
 * path character (`cache.pathEnd`), and the last such `/` in it (`cache.pathLastSlash`, below
 * `start` if none): where PATH's `PATH_CHAR* ('/' PATH_CHAR+)+` stops, whichever position of the
 * chain it started from. Left in the cache rather than returned: the path tokenizer asks at every
 * identifier, and an object per answer was a third of its time.
 */
function scanPathChain(input: InputStream, cache: RunCache, start: number): void {
  if (start >= cache.pathFrom && start <= cache.pathEnd) return;
  const base = input.pos;
  let i = start - base;
  let lastSlash = -1;
  for (;;) {
    const c = input.peek(i);
    if (isPathChar(c)) i++;
    else if (c === ch.slash && isPathChar(input.peek(i + 1))) {
      lastSlash = base + i;
      i += 2;
    } else break;
  }
  cache.pathFrom = start;
  cache.pathEnd = base + i;
  cache.pathLastSlash = lastSlash;
}

/**
 * The path literal starting here, if any: PATH = PATH_CHAR* ('/' PATH_CHAR+)+ '/'? and HPATH =
 * '~' ('/' PATH_CHAR+)+ '/'?, or the first piece of an interpolated path (anything ending in `/`
 * or a path followed directly by `${`). A final `/` is left for PathTrailingSlash. Its term, with
 * its length in `pathLength` (0 for none: most questions are about an identifier).
 */
function readPath(input: InputStream): number {
  let from = input.pos;
  if (input.next === ch.tilde) {
    if (input.peek(1) !== ch.slash) return 0;
    from++;
  }
  const cache = runCache(input);
  scanPathChain(input, cache, from);
  const i = cache.pathEnd - input.pos;
  const c = input.peek(i);
  // `a/${x}`, `~/${x}`, `a/b/${x}`: the chain stops at a `/` that an interpolation follows.
  if (c === ch.slash && startsInterpolation(input, i + 1)) {
    pathLength = i + 1;
    return PathStart;
  }
  if (cache.pathLastSlash < from) return 0;
  pathLength = i;
  return c === ch.dollar && input.peek(i + 1) === ch.openBrace ? PathStart : pathLiteral;
}

/** The length of the path readPath last found. */
let pathLength = 0;

function isSchemeChar(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** Nix's URI body characters: [a-zA-Z0-9%/?:@&=+$,\-_.!~*'] (lexer.l). */
function isUriChar(c: number): boolean {
  if (isLetter(c) || (c >= 48 && c <= 57)) return true;
  switch (c) {
    case 37: // %
    case 47: // /
    case 63: // ?
    case 58: // :
    case 64: // @
    case 38: // &
    case 61: // =
    case 43: // +
    case 36: // $
    case 44: // ,
    case 45: // -
    case 95: // _
    case 46: // .
    case 33: // !
    case 126: // ~
    case 42: // *
    case 39: // '
      return true;
    default:
      return false;
  }
}

/** Nix's ID = [a-zA-Z_][a-zA-Z0-9_'\-]* (lexer.l), after its first character. */
function isIdentifierChar(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 57) || c === 95 || c === 39 || c === 45;
}

/**
 * Identifiers and URIs. Nix's URI = [a-zA-Z][a-zA-Z0-9\+\-\.]*\:[a-zA-Z0-9\%\/\?\:\@\&\=\+\$\,\-\_\.\!\~\*\']+
 * (lexer.l) is taken wherever it matches, whether the parser expects it or not (`x:x` is a URI,
 * not a function; `{}@x:y` is an error): flex's longest match always prefers it to the
 * identifier it starts with. The scheme's scan is cached (RunCache): `a.a.a…` asks from every
 * letter.
 */
export const identifierTokens = new ExternalTokenizer((input) => {
  const first = input.next;
  if (!isLetter(first)) {
    if (first === 95) input.acceptToken(identifier, identifierLength(input, 1)); // _
    return;
  }
  // The characters an identifier and a scheme share (letters, digits, `-`) first: most
  // identifiers end where this run ends, and then both scans are this one.
  let shared = 1;
  let c = input.peek(1);
  while (isLetter(c) || (c >= 48 && c <= 57) || c === 45) c = input.peek(++shared);
  const cache = runCache(input);
  const start = input.pos;
  let end: number;
  if (start >= cache.schemeFrom && start < cache.schemeEnd) end = cache.schemeEnd;
  else {
    let i = shared;
    while (isSchemeChar(input.peek(i))) i++;
    end = start + i;
    cache.schemeFrom = start;
    cache.schemeEnd = end;
  }
  const i = end - start;
  if (input.peek(i) === ch.colon && isUriChar(input.peek(i + 1))) {
    input.acceptToken(Uri, uriLength(input, i + 2));
    return;
  }
  const length = c === 95 || c === 39 ? identifierLength(input, shared + 1) : shared; // _ '
  input.acceptToken(keywordOrIdentifier(input, length), length);
});

/** Where the identifier characters from `from` on end (relative to the stream's position). */
function identifierLength(input: InputStream, from: number): number {
  let i = from;
  while (isIdentifierChar(input.peek(i))) i++;
  return i;
}

/** Where a URI's body characters from `from` on end (relative to the stream's position). */
function uriLength(input: InputStream, from: number): number {
  let i = from;
  while (isUriChar(input.peek(i))) i++;
  return i;
}

/** Nix's keywords (lexer.l), each with its term, as character codes. */
const keywords = (
  [
    ['assert', kwAssert],
    ['else', kwElse],
    ['if', kwIf],
    ['in', kwIn],
    ['inherit', kwInherit],
    ['let', kwLet],
    ['or', kwOr],
    ['rec', kwRec],
    ['then', kwThen],
    ['with', kwWith],
  ] as const
).map(([word, term]) => ({ codes: Array.from(word, (c) => c.charCodeAt(0)), term }));

/** The first letters keywords start with (a bit per letter a–z): most identifiers start otherwise. */
const KEYWORD_FIRST = keywords.reduce((bits, { codes }) => bits | (1 << ((codes[0] ?? 97) - 97)), 0);

/** The keyword the identifier of `length` characters here is, or `identifier`; compared in place, not copied. */
function keywordOrIdentifier(input: InputStream, length: number): number {
  const first = input.next;
  if (length < 2 || length > 7 || first < 97 || first > 122 || !(KEYWORD_FIRST & (1 << (first - 97))))
    return identifier;
  for (const { codes, term } of keywords) {
    if (codes.length !== length || codes[0] !== first) continue;
    let k = 1;
    while (k < length && input.peek(k) === codes[k]) k++;
    if (k === length) return term;
  }
  return identifier;
}

// Character tests come before `stack.canShift`, which is the expensive part: most positions
// where a path could start hold an ordinary identifier.
export const pathTokens = new ExternalTokenizer(
  (input, stack) => {
    const next = input.next;
    if ((next === ch.dollar || next === ch.slash || isPathChar(next)) && followsPathPiece(input)) {
      if (startsInterpolation(input, 0) && stack.canShift(pathInterpStart)) {
        input.acceptToken(pathInterpStart, 2);
        return;
      }
      const after = input.peek(1);
      const trailing =
        next === ch.slash && !isPathChar(after) && after !== ch.slash && !startsInterpolation(input, 1);
      if (trailing && stack.canShift(PathTrailingSlash)) {
        input.acceptToken(PathTrailingSlash, 1);
        return;
      }
      if (next !== ch.dollar && stack.canShift(PathContent)) {
        let i = 0;
        while (isPathChar(input.peek(i)) || input.peek(i) === ch.slash) i++;
        // Leave a final `/` that no interpolation follows to PathTrailingSlash.
        if (input.peek(i - 1) === ch.slash && !startsInterpolation(input, i)) i--;
        if (i > 0) input.acceptToken(PathContent, i);
        return;
      }
    }
    if (next === ch.lt) {
      const length = searchPathLength(input);
      if (length > 0 && stack.canShift(SearchPath)) input.acceptToken(SearchPath, length);
      return;
    }
    if (next !== ch.tilde && next !== ch.slash && !isPathChar(next)) return;
    const term = readPath(input);
    if (term && stack.canShift(term)) input.acceptToken(term, pathLength);
  },
  { contextual: true },
);
