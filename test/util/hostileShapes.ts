/**
 * Generated Nix of extreme shape (issue 10 item 8), shared by the tests and the bench: each
 * takes a size and returns the text. Valid Nix unless said otherwise.
 */
export const hostileShapes = {
  /** `x: x.a.a.a…` with `n` components: the URI and path tokenizers scan `a.a.a…` from every `a`. */
  dottedSelect: (n: number): string => `x: x${'.a'.repeat(n)}\n`,
  /** One path `a.a.a…a/b` and one URI `a.a.a…a:b` in a list, `n` characters before `/` or `:`. */
  dottedTokens: (n: number): string => {
    const run = `a${'.a'.repeat(n >> 1)}`;
    return `[ ${run}/b ${run}:b ]\n`;
  },
  /** `---…1`: `n` negations (Nix itself stops at 10,000 nested levels: "memory exhausted"). */
  negations: (n: number): string => `{ x = ${'-'.repeat(n)}1; }\n`,
  /** `((((1))))`, `n` deep. */
  parentheses: (n: number): string => `${'('.repeat(n)}1${')'.repeat(n)}\n`,
  /** `[ 1 ] ++ [ 1 ] ++ …`, `n` operands (`++` is right-associative, so each nests). */
  concatenations: (n: number): string => `(${Array<string>(n).fill('[ 1 ]').join(' ++ ')})\n`,
  /** `{ a = { a = … 1; }; }`, `n` deep. */
  nestedSets: (n: number): string => `${'{ a = '.repeat(n)}1${'; }'.repeat(n)}\n`,
  /** `1 + 1 + …`, `n` operands (left-associative: a long chain, not a deep one). */
  additions: (n: number): string => `${Array<string>(n).fill('1').join(' + ')}\n`,
};
