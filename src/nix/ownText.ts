/**
 * A piece of a document's text as a string of its own, that does not keep the whole text alive.
 *
 * V8 makes `text.slice(a, b)` of 13 or more characters a view into `text` (a "sliced string"), and a
 * view keeps all of `text` in memory for as long as it lives. What locate reads is kept past the next
 * keystroke (per subtree, across re-parses: locateMemo.ts), so each name, path or value it keeps
 * would keep the version of the file it was read from: after 100 edits the language server held
 * three copies of a 20,000-line file, one only through the paths of its `imports` (heap snapshot,
 * retainers of the 651 KB strings; issue 8, goal 4), and with edits all over the file one copy per
 * version whose subtrees were still remembered.
 *
 * Prepending a character makes a new (concatenated) string; slicing it flattens it into storage of
 * its own first, so the result is a view of that small copy only. Shorter pieces are copies already.
 */
const SLICED_MIN_LENGTH = 13;

export function ownText(piece: string): string {
  return piece.length < SLICED_MIN_LENGTH ? piece : ` ${piece}`.slice(1);
}
