/**
 * Syntax problems of a parse, each reported once with a readable message: Lezer's error nodes
 * (adjacent ones merged), plus what Nix's parser refuses that the grammar lets through, because
 * Lezer has no %nonassoc or because Nix checks it in its parser actions: chained `==`/`<`,
 * integers beyond 64 bits, paths ending in `/`, computed names in `inherit` and `let`,
 * duplicate function arguments, and attributes defined twice (duplicates.ts).
 * Together they reject exactly what `nix-instantiate --parse` (Nix 2.8) rejects:
 * scripts/prove-grammar.mjs and test/unit/nix/grammarProof.test.ts check that.
 */
import { charAt, lineNumberAt, type SourceText } from './sourceText.js';
import { IterMode, type SyntaxNode, type Tree, type TreeBuffer, type TreeCursor } from '@lezer/common';
import type { Span } from './model.js';
import { checkedDuplicates, mayClashAt, type DuplicateAttribute } from './duplicates.js';
import type { ParsedNix } from './parse.js';
import { errorNodes, memoFor, newTreeMemo, type TreeMemo } from './treeMemo.js';
import { isBigSet, mayClashInBigSet } from './clashState.js';
import { parser } from './generated/parser.js';

export interface SyntaxProblem {
  span: Span;
  message: string;
}

const closers: Record<string, string> = {
  String: 'the string is not closed: add a closing double quote',
  IndentedString: "the indented string is not closed: add ''",
  AttrSet: 'the attribute set is not closed: add "}"',
  LetSet: 'the attribute set is not closed: add "}"',
  Formals: 'the argument set is not closed: add "}"',
  Interpolation: 'the interpolation is not closed: add "}"',
  List: 'the list is not closed: add "]"',
  Parens: 'the parenthesis is not closed: add ")"',
  Let: '"let" needs "in" and an expression',
  If: '"if" needs "then" and "else"',
  Binding: 'the binding needs a value and ";"',
  Inherit: '"inherit" needs ";"',
};

function describe(text: SourceText, from: number, to: number): string {
  // (An error may span much of a file: its first 4,096 characters are enough unless they are all space.)
  let snippet = text
    .slice(from, Math.min(to, from + 4096))
    .trim()
    .replace(/\s+/g, ' ');
  if (snippet.length <= 30 && to > from + 4096) snippet = text.slice(from, to).trim().replace(/\s+/g, ' ');
  return snippet.length > 30 ? `${snippet.slice(0, 30)}…` : snippet;
}

function nearestContainer(node: SyntaxNode): SyntaxNode | null {
  for (let n = node.parent; n; n = n.parent) {
    if (['List', 'AttrSet', 'Parens', 'LetSet', 'Binding'].includes(n.name)) return n;
  }
  return null;
}

/** Whether the text from `offset` on is whitespace only (as `trim` sees it), read only as far as needed. */
function onlySpaceAfter(text: SourceText, offset: number): boolean {
  for (let at = Math.max(0, offset); at < text.length; at += 4096)
    if (/\S/.test(text.slice(at, at + 4096))) return false;
  return true;
}

/** The Binding whose value holds `node` directly (not inside a list, set or parentheses of it). */
function bindingOfValue(node: SyntaxNode): SyntaxNode | null {
  for (let n = node.parent; n; n = n.parent) {
    if (n.name === 'Binding') return n;
    if (['List', 'AttrSet', 'Parens', 'LetSet', 'String', 'IndentedString', 'Interpolation'].includes(n.name))
      return null;
  }
  return null;
}

function errorMessage(parsed: ParsedNix, error: SyntaxNode): string {
  const { text } = parsed;
  // Put there by stringBreaks.ts only where the file does not parse with the string running on.
  if (error.name === 'MissingQuote')
    return 'Syntax error: the string is not closed: add a closing double quote here (without one it runs on to the next double quote or the end of the file, and the file does not parse)';
  let hasContent = false;
  for (let c = parsed.tree.topNode.firstChild; c && !hasContent; c = c.nextSibling) {
    if (!c.type.isError && c.name !== 'LineComment' && c.name !== 'BlockComment') hasContent = true;
  }
  if (!hasContent && error.from === error.to)
    return 'Syntax error: the file is empty; Nix expects one expression';
  if (error.from === error.to && onlySpaceAfter(text, error.to)) {
    for (let n: SyntaxNode | null = error.parent; n; n = n.parent) {
      // A "binding" that is only a name is the body of a `let` missing its `in`, or similar.
      if (n.name === 'Binding' && !n.getChild('=')) continue;
      const closer = closers[n.name];
      if (closer) return `Syntax error: unexpected end of file; ${closer}`;
    }
    return 'Syntax error: unexpected end of file';
  }
  if (error.from < error.to) {
    const unexpected = describe(text, error.from, error.to);
    // `a = 1⏎ b = 2;` reads as `a = 1 b` (a call) until the second `=`.
    const binding = bindingOfValue(error);
    if (unexpected === '=' && binding && text.slice(binding.from, error.from).includes('\n')) {
      return 'Syntax error: unexpected "="; is a ";" missing at the end of the previous binding?';
    }
    // `[ a⏎ b = 1;`: a binding cannot be a list element or inside parentheses.
    const container = nearestContainer(error);
    if (unexpected === '=' && (container?.name === 'List' || container?.name === 'Parens')) {
      const close = container.name === 'List' ? ']' : ')';
      return `Syntax error: unexpected "="; is the "${close}" of the ${container.name === 'List' ? 'list' : 'parenthesis'} opened on line ${lineNumberAt(text, container.from)} missing?`;
    }
    return `Syntax error: unexpected "${unexpected}"`;
  }
  const parent = error.parent;
  if (parent?.name === 'Binding' && !parent.getChild(';'))
    return 'Syntax error: missing ";" after the binding';
  if (parent?.name === 'Inherit' && !parent.getChild(';')) return 'Syntax error: missing ";" after "inherit"';
  // The next word after the error (describe shows at most 30 characters of it).
  let start = error.to;
  while (start < text.length && /\s/.test(charAt(text, start))) start++;
  let end = start;
  while (end < Math.min(text.length, start + 31) && !/\s/.test(charAt(text, end))) end++;
  const token = describe(text, start, Math.max(start + 1, end));
  return `Syntax error: unexpected "${token}"`;
}

/** Where to underline a zero-width error: the next character, or the last one at the end. */
function visibleSpan(text: SourceText, from: number, to: number): Span {
  if (to > from) return { from, to };
  let at = from;
  while (at < text.length && /\s/.test(charAt(text, at))) at++;
  if (at < text.length) return { from: at, to: at + 1 };
  return { from: Math.max(0, text.length - 1), to: text.length };
}

function lezerErrors(parsed: ParsedNix): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  let last: { from: number; to: number } | null = null;
  for (const node of errorNodes(parsed.tree, parsed.memo ?? newTreeMemo()).outermost) {
    // A string read as unclosed: underline it, from its opening quote to where it should close.
    const span =
      node.name === 'MissingQuote' && node.parent
        ? { from: node.parent.from, to: node.from }
        : visibleSpan(parsed.text, node.from, node.to);
    // Recovery often leaves several error nodes for one mistake: report it once.
    if (last && span.from <= last.to + 1) {
      last.to = Math.max(last.to, span.to);
      const previous = problems[problems.length - 1];
      if (previous) previous.span.to = last.to;
      continue;
    }
    problems.push({ span, message: errorMessage(parsed, node) });
    last = { from: span.from, to: span.to };
  }
  return problems;
}

const nonAssociative: Record<string, string> = {
  '==': 'eq',
  '!=': 'eq',
  '<': 'cmp',
  '>': 'cmp',
  '<=': 'cmp',
  '>=': 'cmp',
};

function operatorOf(node: SyntaxNode, text: SourceText): string | null {
  const op = node.getChild('CompareOp');
  return op ? text.slice(op.from, op.to) : null;
}

/** Whether an attribute name is constant (`a`, `"a"`, `${"a"}`), as `inherit` and `let` require. */
function isStaticInheritName(node: SyntaxNode): boolean {
  if (node.name === 'AttrName') return true;
  if (node.name === 'String') return !node.getChild('Interpolation');
  if (node.name === 'Interpolation') {
    // Nix accepts `${"name"}` (a constant string) where a name is expected.
    const inner = node.firstChild?.nextSibling;
    return inner?.name === 'String' && !inner.getChild('Interpolation') && inner.nextSibling?.name === '}';
  }
  return true;
}

const maxInt = 9223372036854775807n;

/** Problems found in one subtree, offsets relative to its start; duplicates before their message. */
interface Found {
  semantic: SyntaxProblem[];
  duplicates: DuplicateAttribute[];
}

const nothing: Found = { semantic: [], duplicates: [] };

/** What Nix refuses at one node, from the node's own subtree only (so it can be memoised). */
function checkNode(node: SyntaxNode, text: SourceText, out: Found): void {
  const problems = out.semantic;
  switch (node.name) {
    case 'BinaryExpr': {
      const op = operatorOf(node, text);
      const left = node.firstChild;
      const leftOp = left?.name === 'BinaryExpr' ? operatorOf(left, text) : null;
      if (op && leftOp && nonAssociative[op] && nonAssociative[op] === nonAssociative[leftOp]) {
        problems.push({
          span: { from: node.from, to: node.to },
          message: `Syntax error: "${leftOp}" and "${op}" cannot be chained; add parentheses`,
        });
      }
      break;
    }
    case 'PathTrailingSlash':
      problems.push({
        span: { from: node.from, to: node.to },
        message: 'Syntax error: a path cannot end with "/"',
      });
      break;
    case 'Int':
      // Up to 18 digits always fit; only longer ones (leading zeros included) need a BigInt.
      if (node.to - node.from > 18 && BigInt(text.slice(node.from, node.to)) > maxInt) {
        problems.push({
          span: { from: node.from, to: node.to },
          message: 'Syntax error: integer too large for Nix (64-bit)',
        });
      }
      break;
    case 'Inherit':
      for (let child = node.firstChild; child; child = child.nextSibling) {
        if ((child.name === 'String' || child.name === 'Interpolation') && !isStaticInheritName(child)) {
          problems.push({
            span: { from: child.from, to: child.to },
            message: 'Syntax error: "inherit" cannot take a computed name',
          });
        }
      }
      break;
    case 'Lambda':
      // `args@{ args, … }:` names the same argument twice too: checked here, where both are.
      for (const formals of node.getChildren('Formals'))
        duplicateFormals(formals, node.getChild('Param'), text, problems);
      break;
    case 'Formals':
      if (node.parent?.name !== 'Lambda') duplicateFormals(node, null, text, problems);
      break;
  }
  // (Sets and `let`s are checked by the walk itself: checkTree, checkLet.)
}

/** Problems of the bindings of one run of a `let` (offsets relative to the run), per run Tree. */
const noProblems: readonly SyntaxProblem[] = [];

/**
 * Nix builds `let` bindings before anything is evaluated: their names must be constant. Reads the
 * bindings of the `let` at `cursor` (IncludeAnonymous; left there) as SyntaxNode.getChildren
 * would (through anonymous nodes only), with the problems of each balanced run of bindings kept
 * by its Tree: a `let` that runs to the end of the file (its `in` mistyped) is rebuilt by every
 * keystroke after it, and reading all its bindings again cost more than the rest of the walk.
 */
function letNames(
  cursor: TreeCursor,
  memo: WeakMap<Tree, readonly SyntaxProblem[]>,
  out: SyntaxProblem[],
): void {
  if (!cursor.firstChild()) return;
  do {
    if (cursor.type.isAnonymous) {
      const run = cursor.tree;
      const known = run ? memo.get(run) : undefined;
      if (known) {
        for (const p of known) out.push({ span: shiftSpan(p.span, cursor.from), message: p.message });
        continue;
      }
      const before = out.length;
      letNames(cursor, memo, out);
      if (run)
        memo.set(
          run,
          out.length === before
            ? noProblems
            : out.slice(before).map((p) => ({ span: shiftSpan(p.span, -cursor.from), message: p.message })),
        );
    } else if (bindingTypes.has(cursor.type.id)) {
      const first = cursor.node.getChild('AttrPath')?.firstChild;
      if (first && !isStaticInheritName(first))
        out.push({
          span: { from: first.from, to: first.to },
          message: 'Syntax error: "let" cannot bind a computed name',
        });
    }
  } while (cursor.nextSibling());
  cursor.parent();
}

/**
 * The `let` at `cursor` (left there): its computed names, then its duplicates, which a long one
 * (kept as balanced runs, like a big set) counts across keystrokes as a big set does (clashState.ts).
 */
function checkLet(cursor: TreeCursor, walk: Walk): void {
  const { text, out } = walk;
  letNames(cursor, memoFor<readonly SyntaxProblem[]>(walk.memos, 'letNames'), out.semantic);
  // A loop, not push(...): a spread of 100k arguments overflows the stack.
  if (mayClash(cursor, walk)) for (const d of checkedDuplicates(cursor.node, text)) out.duplicates.push(d);
}

/**
 * The quick clash test of the set or `let` at `cursor` (left there), read with the walk's cursor:
 * most sets need no SyntaxNode. A big one is followed across keystrokes (clashState.ts), not
 * tested item by item again, from the document's second walk on: the first (all `check` makes) has
 * no earlier version to update, and keeps no keys of it (20,000 keys stay alive with the tree).
 */
function mayClash(cursor: TreeCursor, walk: Walk): boolean {
  const set = cursor.tree;
  if (!isBigSet(set)) return mayClashAt(cursor, walk.text, walk.keysMemo);
  return walk.first ? mayClashAt(cursor, walk.text) : mayClashInBigSet(set, cursor, walk.text, walk.memos);
}

function duplicateFormals(
  formals: SyntaxNode,
  at: SyntaxNode | null,
  text: SourceText,
  problems: SyntaxProblem[],
): void {
  const seen = new Set<string>(at ? [text.slice(at.from, at.to)] : []);
  for (const formal of formals.getChildren('Formal')) {
    const param = formal.getChild('Param');
    if (!param) continue;
    const name = text.slice(param.from, param.to);
    if (seen.has(name)) {
      problems.push({
        span: { from: param.from, to: param.to },
        message: `Syntax error: duplicate function argument "${name}"`,
      });
    }
    seen.add(name);
  }
}

/** The node types checkNode looks at, by id; the walk makes no SyntaxNode for the others. */
const checkedNames = new Set([
  'BinaryExpr',
  'PathTrailingSlash',
  'Int',
  'Inherit',
  'Let',
  'Lambda',
  'Formals',
  'AttrSet',
  'LetSet',
]);
const checked = parser.nodeSet.types.map((type) => checkedNames.has(type.name));

/** The type ids of a node name (a template such as CompareOp<…> makes one type per use). */
const typeIds = (...names: string[]): Set<number> =>
  new Set(parser.nodeSet.types.filter((type) => names.includes(type.name)).map((type) => type.id));
const intTypes = typeIds('Int');
const binaryTypes = typeIds('BinaryExpr');
const compareTypes = typeIds('CompareOp');
const setTypes = typeIds('AttrSet', 'LetSet');
const formalsType = parser.nodeSet.types.find((type) => type.name === 'Formals')?.id;
const letTypes = typeIds('Let');
const bindingTypes = typeIds('Binding');

/**
 * Cheap tests, with the walk's cursor, that spare most nodes the SyntaxNode and the full check:
 * up to 18 digits always fit in 64 bits; only a comparison can chain.
 */
function worthChecking(cursor: TreeCursor, type: number): boolean {
  if (intTypes.has(type)) return cursor.to - cursor.from > 18;
  if (!binaryTypes.has(type) || !cursor.firstChild()) return !binaryTypes.has(type);
  let worth = false;
  do worth = compareTypes.has(cursor.type.id);
  while (!worth && cursor.nextSibling());
  cursor.parent();
  return worth;
}

/**
 * Which node types the walk acts on (1), or on when longer than 18 characters (2: an Int), by id: a
 * node with none of them below it holds no problem of its own subtree's, and the walk does not
 * enter it. (A BinaryExpr is checked only with a CompareOp child, which is one of them.)
 */
const holds = Uint8Array.from(parser.nodeSet.types, (type) =>
  type.name === 'Int'
    ? 2
    : ['AttrSet', 'LetSet', 'PathTrailingSlash', 'Inherit', 'Let', 'Lambda', 'Formals', 'CompareOp'].includes(
          type.name,
        )
      ? 1
      : 0,
);

/** The parts of @lezer/common's TreeCursor read here: not in its public types, checked at run time. */
interface CursorInternals {
  /** The tree buffer the cursor is in, when it is at a node inside one. */
  buffer?: { buffer?: TreeBuffer } | null;
  /** The node's index in that buffer's (type, from, to, end) quads. */
  index?: number;
}

/**
 * How many nodes the walk acts on come before each node of the tree buffer it is in (in the
 * buffer's prefix order), so that whether a node's children hold one is one subtraction. One
 * array serves every buffer, refilled whenever the walk is in another one than last time: a depth
 * first walk finishes a buffer before it enters the next (a buffer holds no Tree), so each is
 * counted once.
 */
interface BufferCounts {
  buffer: TreeBuffer | null;
  prefix: Uint32Array;
}

/**
 * The array every walk starts with (a walk is synchronous, and what it counted is refilled for
 * each buffer it enters, so one walk never reads another's). Allocated per walk, its 4 KiB were
 * the largest cost of checking a small file: `check` walks thousands of them.
 */
let sharedPrefix = new Uint32Array(1024);

function countsOf(buffer: TreeBuffer, counts: BufferCounts): Uint32Array {
  if (counts.buffer === buffer) return counts.prefix;
  const b = buffer.buffer;
  const nodes = b.length >> 2;
  if (counts.prefix.length < nodes + 1)
    counts.prefix = sharedPrefix = new Uint32Array(Math.max(nodes + 1, counts.prefix.length * 2));
  const prefix = counts.prefix;
  let seen = 0;
  prefix[0] = 0;
  for (let k = 0, i = 0; k < nodes; k++, i += 4) {
    const kind = holds[b[i] ?? 0];
    if (kind === 1 || (kind === 2 && (b[i + 2] ?? 0) - (b[i + 1] ?? 0) > 18)) seen++;
    prefix[k + 1] = seen;
  }
  counts.buffer = buffer;
  return prefix;
}

/**
 * Whether the children of the node at `cursor` may hold a problem: false only for a node inside a
 * tree buffer (most nodes are) with none of the types the walk acts on below it.
 */
function childrenMayHold(cursor: TreeCursor, counts: BufferCounts): boolean {
  const { buffer, index } = cursor as unknown as CursorInternals;
  const tree = buffer?.buffer;
  if (!tree || index === undefined || tree.set !== parser.nodeSet) return true;
  const prefix = countsOf(tree, counts);
  const end = tree.buffer[index + 3] ?? tree.buffer.length;
  return (prefix[end >> 2] ?? 1) - (prefix[(index >> 2) + 1] ?? 0) > 0;
}

const shiftSpan = (span: Span, by: number): Span => ({ from: span.from + by, to: span.to + by });

/** Appends `found` (relative to a subtree at `by`) to `out`, or the reverse with a negative `by`. */
function appendShifted(out: Found, found: Found, by: number): void {
  for (const p of found.semantic) out.semantic.push({ span: shiftSpan(p.span, by), message: p.message });
  for (const d of found.duplicates)
    out.duplicates.push({ span: shiftSpan(d.span, by), path: d.path, first: shiftSpan(d.first, by) });
}

/** What one walk of a parse shares among its steps. */
interface Walk {
  text: SourceText;
  memo: WeakMap<Tree, Found>;
  keysMemo: WeakMap<Tree, string[]>;
  memos: TreeMemo;
  /** Whether this is the first walk of the document (no earlier version to carry results from). */
  first: boolean;
  counts: BufferCounts;
  /** Enter every node (what the shortcuts are tested against). */
  everyNode: boolean;
  out: Found;
}

/**
 * Walks the tree depth first and checks every node that may hold a problem, reusing what an
 * earlier parse of the same document found in a subtree it shares with this one (same Tree
 * object, same text: see treeMemo.ts). After a keystroke only the subtrees the re-parse rebuilt
 * are checked again.
 */
function checkTree(cursor: TreeCursor, walk: Walk): void {
  const { text, memo, out } = walk;
  // A Formals' check depends on its parent (the Lambda's `@` name): never kept by its own tree.
  const tree = cursor.type.id === formalsType ? null : cursor.tree;
  if (tree) {
    const known = memo.get(tree);
    if (known) {
      if (known !== nothing) appendShifted(out, known, cursor.from);
      return;
    }
  }
  const semantic = out.semantic.length;
  const duplicates = out.duplicates.length;
  const type = cursor.type.id;
  if (setTypes.has(type)) {
    if (mayClash(cursor, walk)) for (const d of checkedDuplicates(cursor.node, text)) out.duplicates.push(d);
  } else if (letTypes.has(type)) {
    checkLet(cursor, walk);
  } else if (checked[type] && worthChecking(cursor, type)) {
    checkNode(cursor.node, text, out);
  }
  if ((walk.everyNode || childrenMayHold(cursor, walk.counts)) && cursor.firstChild()) {
    do checkTree(cursor, walk);
    while (cursor.nextSibling());
    cursor.parent();
  }
  if (!tree) return;
  if (out.semantic.length === semantic && out.duplicates.length === duplicates) {
    memo.set(tree, nothing);
    return;
  }
  const own: Found = { semantic: [], duplicates: [] };
  appendShifted(
    own,
    { semantic: out.semantic.slice(semantic), duplicates: out.duplicates.slice(duplicates) },
    -cursor.from,
  );
  memo.set(tree, own);
}

function semanticAndDuplicates(
  parsed: ParsedNix,
  everyNode: boolean,
): {
  semantic: SyntaxProblem[];
  duplicates: SyntaxProblem[];
} {
  const { text } = parsed;
  const memos = parsed.memo ?? newTreeMemo();
  const found: Found = { semantic: [], duplicates: [] };
  const first = !memos.results.has('syntaxProblems');
  checkTree(parsed.tree.cursor(IterMode.IncludeAnonymous), {
    text,
    memo: memoFor<Found>(memos, 'syntaxProblems'),
    first,
    keysMemo: memoFor<string[]>(memos, 'attributePaths'),
    memos,
    counts: { buffer: null, prefix: sharedPrefix },
    everyNode,
    out: found,
  });
  const duplicates = found.duplicates.map((d) => ({
    span: d.span,
    message: `Syntax error: "${d.path}" is already defined on line ${lineNumberAt(text, d.first.from)} (Nix refuses that)`,
  }));
  return { semantic: found.semantic, duplicates };
}

/**
 * Every syntax problem in the parse, in document order. `everyNode`: walk into every node, past
 * the shortcut that skips subtrees without anything to check (for the test that proves it,
 * test/unit/perf/coldShortcuts.test.ts).
 */
export function syntaxProblems(parsed: ParsedNix, { everyNode = false } = {}): SyntaxProblem[] {
  // An error-free parse (known from the memoised scan in parse.ts) has no Lezer errors to walk for.
  const lezer = parsed.hasErrors === false ? [] : lezerErrors(parsed);
  const { semantic, duplicates } = semanticAndDuplicates(parsed, everyNode);
  return [...lezer, ...semantic, ...duplicates].sort((a, b) => a.span.from - b.span.from);
}
