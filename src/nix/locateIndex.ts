/**
 * Where in a parse the locator's two searches of the whole file can find anything, kept per
 * subtree (treeMemo.ts) so that after a keystroke only the rebuilt subtrees are scanned, not the
 * text (issue 8, goal 1):
 * - the names `darwinSystem`/`nixosSystem` written as an identifier or an attribute name (a system
 *   call's callee ends in one, unwrap.ts calleeName);
 * - the bindings whose attribute path may start with `flake` or `darwinModules` (where modules are
 *   published by name, locate.ts flakeModuleSets): a quoted or computed first name counts as may.
 * Tree buffers are read as raw (type, from, to, end) quads in prefix order, as treeHasError does.
 */
import type { SourceText } from './sourceText.js';
import { Tree, type TreeBuffer } from '@lezer/common';
import { parser } from './generated/parser.js';
import { memoFor, type TreeMemo } from './treeMemo.js';

export interface LocateIndex {
  /** Start offsets of the name tokens `darwinSystem`/`nixosSystem`. */
  systemNames: number[];
  /** [from, to) pairs, flattened, of the outermost bindings that may publish modules by name. */
  flakeBindings: number[];
}

const typeId = (name: string): number => parser.nodeSet.types.find((t) => t.name === name)?.id ?? -1;
const BINDING = typeId('Binding');
const ATTR_PATH = typeId('AttrPath');
const ATTR_NAME = typeId('AttrName');
const IDENTIFIER = typeId('Identifier');
const STRING = typeId('String');

const systemNames = new Set(['darwinSystem', 'nixosSystem']);
const flakeNames = new Set(['flake', 'darwinModules']);

/** Whether a binding whose path starts with the element (type, from, to) may start with a flake name. */
function mayBeFlakeName(type: number, from: number, to: number, text: SourceText): boolean {
  if (type === ATTR_NAME) return flakeNames.has(text.slice(from, to));
  if (type !== STRING) return true; // `${…}` or an unexpected shape: may be anything
  const raw = text.slice(from, to);
  return raw === '"flake"' || raw === '"darwinModules"' || /[\\$]/.test(raw);
}

function isSystemName(type: number, from: number, to: number, text: SourceText): boolean {
  const length = to - from;
  return (
    (type === IDENTIFIER || type === ATTR_NAME) &&
    (length === 12 || length === 11) &&
    systemNames.has(text.slice(from, to))
  );
}

/** The first element of a Binding tree's attribute path (absolute offsets), or null if it has none. */
function firstPathElement(binding: Tree, at: number): { type: number; from: number; to: number } | null {
  let node: Tree | TreeBuffer | undefined = binding.children[0];
  let pos = at + (binding.positions[0] ?? 0);
  let sawPath = false;
  while (node instanceof Tree) {
    if (!sawPath) {
      if (node.type.id !== ATTR_PATH) return null;
      sawPath = true;
    } else return { type: node.type.id, from: pos, to: pos + node.length };
    pos += node.positions[0] ?? 0;
    node = node.children[0];
  }
  if (!node) return null;
  const b = node.buffer;
  let i = 0;
  if (!sawPath) {
    if (b[0] !== ATTR_PATH || (b[3] ?? 0) <= 4) return null;
    i = 4;
  }
  return { type: b[i] ?? -1, from: pos + (b[i + 1] ?? 0), to: pos + (b[i + 2] ?? 0) };
}

function scanBuffer(buffer: TreeBuffer, at: number, text: SourceText): LocateIndex {
  const found: LocateIndex = { systemNames: [], flakeBindings: [] };
  const b = buffer.buffer;
  for (let i = 0; i < b.length;) {
    const type = b[i] ?? -1;
    const from = b[i + 1] ?? 0;
    const to = b[i + 2] ?? 0;
    const end = b[i + 3] ?? i + 4;
    if (type === BINDING) {
      // Its AttrPath first, that path's first element next (prefix order); any other shape: may.
      const hasPath = end > i + 4 && b[i + 4] === ATTR_PATH && (b[i + 7] ?? 0) > i + 8;
      if (!hasPath || mayBeFlakeName(b[i + 8] ?? -1, at + (b[i + 9] ?? 0), at + (b[i + 10] ?? 0), text)) {
        found.flakeBindings.push(from, to);
        // The names inside are still wanted.
        for (let j = i + 4; j < end; j += 4)
          if (isSystemName(b[j] ?? -1, at + (b[j + 1] ?? 0), at + (b[j + 2] ?? 0), text))
            found.systemNames.push(b[j + 1] ?? 0);
        i = end;
        continue;
      }
    } else if (isSystemName(type, at + from, at + to, text)) found.systemNames.push(from);
    i += 4;
  }
  return found;
}

/** A Tree node being scanned: what it found so far and which child comes next. */
interface Frame {
  node: Tree;
  at: number;
  /** Its position inside its parent (what its finds are shifted by there). */
  offset: number;
  found: LocateIndex;
  /** A binding that may be a flake binding: its own range covers whatever it holds. */
  flake: boolean;
  next: number;
}

/** The per-subtree indexes kept: a parse's memo, or nothing for a parse located once. */
interface IndexMemo {
  get(node: Tree | TreeBuffer): LocateIndex | undefined;
  set(node: Tree | TreeBuffer, index: LocateIndex): unknown;
}

/** Keeps nothing: a parse without a memo (check) is located once, and a scan meets each node once. */
const NO_MEMO: IndexMemo = { get: () => undefined, set: () => undefined };

/**
 * The index of one subtree, offsets relative to it, memoised per subtree. Post-order with an
 * explicit stack, not recursion: the depth of the tree comes from the file (thousands of nested
 * parentheses are valid Nix), and the stack must not overflow (docs/dev/security.md).
 */
function scan(root: Tree | TreeBuffer, at: number, text: SourceText, memo: IndexMemo): LocateIndex {
  const known = memo.get(root);
  if (known) return known;
  if (!(root instanceof Tree)) return keep(root, scanBuffer(root, at, text), memo);
  const stack: Frame[] = [open(root, at, 0, text)];
  let result: LocateIndex = NOTHING;
  for (let frame = stack.at(-1); frame !== undefined; frame = stack.at(-1)) {
    const i = frame.next++;
    const child = frame.node.children[i];
    if (child !== undefined) {
      const offset = frame.node.positions[i] ?? 0;
      let inner = memo.get(child);
      if (!inner && !(child instanceof Tree))
        inner = keep(child, scanBuffer(child, frame.at + offset, text), memo);
      if (inner) merge(frame, inner, offset);
      else stack.push(open(child as Tree, frame.at + offset, offset, text));
      continue;
    }
    stack.pop();
    const kept = keep(frame.node, frame.found, memo);
    const parent = stack.at(-1);
    if (parent) merge(parent, kept, frame.offset);
    else result = kept;
  }
  return result;
}

function open(node: Tree, at: number, offset: number, text: SourceText): Frame {
  const found: LocateIndex = { systemNames: [], flakeBindings: [] };
  let flake = false;
  if (node.type.id === BINDING) {
    const first = firstPathElement(node, at);
    flake = !first || mayBeFlakeName(first.type, first.from, first.to, text);
    if (flake) found.flakeBindings.push(0, node.length);
  } else if (isSystemName(node.type.id, at, at + node.length, text)) found.systemNames.push(0);
  return { node, at, offset, found, flake, next: 0 };
}

function merge(frame: Frame, inner: LocateIndex, offset: number): void {
  for (const p of inner.systemNames) frame.found.systemNames.push(p + offset);
  if (!frame.flake) for (const p of inner.flakeBindings) frame.found.flakeBindings.push(p + offset);
}

/** Most subtrees hold neither: one shared empty index, not two arrays each. */
function keep(node: Tree | TreeBuffer, found: LocateIndex, memo: IndexMemo): LocateIndex {
  const kept = found.systemNames.length || found.flakeBindings.length ? found : NOTHING;
  memo.set(node, kept);
  return kept;
}

const NOTHING: LocateIndex = Object.freeze({
  systemNames: Object.freeze([]) as unknown as number[],
  flakeBindings: Object.freeze([]) as unknown as number[],
});

/** The index of a whole parse tree, offsets absolute (`memo`: the parse's, when it has one). */
export function locateIndex(tree: Tree, text: SourceText, memo: TreeMemo | undefined): LocateIndex {
  const nodes = memo
    ? (memoFor<LocateIndex>(memo, 'locateIndex') as WeakMap<Tree | TreeBuffer, LocateIndex>)
    : NO_MEMO;
  return scan(tree, 0, text, nodes);
}

/** The index of a text that holds neither search's names: nothing (see mayHoldSystemsOrFlakeModules). */
export const EMPTY_INDEX = NOTHING;
