/**
 * One syntax error of the kinds users type (issue 8, goal 2), planted a third of the way into a
 * generated configuration (test/util/generateConfig.ts): an unclosed string, the `in` of a
 * `let … in` mistyped, a missing `;`. Shared by the tests and the bench.
 */
export type SyntaxErrorKind = 'unclosed-string' | 'mistyped-in' | 'missing-semicolon';

export function oneSyntaxError(text: string, kind: SyntaxErrorKind): { text: string; at: number } {
  const from = text.indexOf('\n', Math.floor(text.length / 3)) + 1;
  const find = (needle: string): number => {
    const at = text.indexOf(needle, from);
    if (at < 0) throw new Error(`no ${JSON.stringify(needle)} after offset ${from}`);
    return at;
  };
  switch (kind) {
    case 'unclosed-string': {
      // `"abc"` becomes `"abc` + the rest: the string runs on to the next quote.
      const open = find(' "');
      const close = text.indexOf('"', open + 2);
      return { text: text.slice(0, close) + text.slice(close + 1), at: close };
    }
    case 'mistyped-in': {
      // `  in {` of a `services.service-N = let … in { … }` binding.
      const at = find('\n  in {') + 3;
      return { text: `${text.slice(0, at)}inn${text.slice(at + 2)}`, at };
    }
    case 'missing-semicolon': {
      const at = find(';\n');
      return { text: text.slice(0, at) + text.slice(at + 1), at };
    }
  }
}

/**
 * `text` damaged in the ways Lezer recovers from: each kind above where the text has a place for
 * it, and a character deleted, a quote and a brace put in at four places.
 */
export function damagedVariants(text: string): string[] {
  const kinds: SyntaxErrorKind[] = ['unclosed-string', 'mistyped-in', 'missing-semicolon'];
  return [
    ...kinds.flatMap((kind) => {
      try {
        return [oneSyntaxError(text, kind).text];
      } catch {
        return []; // (no place for that error in this text)
      }
    }),
    ...[1, 2, 3, 4].flatMap((fifth) => {
      const at = Math.floor((text.length * fifth) / 5);
      return [
        text.slice(0, at) + text.slice(at + 1),
        `${text.slice(0, at)}"${text.slice(at)}`,
        `${text.slice(0, at)}{${text.slice(at)}`,
      ];
    }),
  ];
}
