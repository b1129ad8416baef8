/**
 * Attributes defined twice in one set, which Nix refuses while parsing ("attribute 'a.b'
 * already defined"). Follows Nix 2.8's addAttr (src/libexpr/parser.y): dotted paths walk into
 * sets written literally or made by earlier dotted paths; `a = { … }; a = { … };` merges
 * the two sets one level deep; anything else defined twice, or defined under an inherited
 * or non-set value, is an error. Computed names (`${x}`) never clash.
 *
 * Each set reports the clashes of its own bindings (`ownDuplicates`); the sets written inside
 * it report theirs themselves. That keeps a set's findings a function of its own subtree, so
 * syntaxProblems can keep them per subtree across keystrokes.
 */
import type { SourceText } from './sourceText.js';
import { IterMode, type SyntaxNode, type Tree, type TreeCursor } from '@lezer/common';
import type { Span } from './model.js';
import { stringValue } from './strings.js';
import { ATTR_PATH, BINDING, bufferPlace, bufferedStringValue } from './bufferedNames.js';
import { attrName, expressionChildren } from './unwrap.js';
import { parser } from './generated/parser.js';

interface Entry {
  /** The attributes when the value is a set made by dotted paths, or once `set` was read. */
  attrs: Map<string, Entry> | null;
  /** A literal set value whose attributes are read only when something needs them. */
  set: SyntaxNode | null;
  inherited: boolean;
  span: Span;
}

export interface DuplicateAttribute {
  /** The later definition's name. */
  span: Span;
  path: string;
  /** Where the attribute was first defined. */
  first: Span;
}

/** Nodes that bind attributes: a set, `let { }` and `let … in`. */
const bindingContainers = new Set(['AttrSet', 'LetSet', 'Let']);

/** A literal set value (parentheses are not part of Nix's syntax tree). */
function literalSet(node: SyntaxNode | undefined): SyntaxNode | null {
  let n = node;
  while (n?.name === 'Parens') n = expressionChildren(n)[0];
  return n?.name === 'AttrSet' ? n : null;
}

/** What a node is to mayClashAt, by type id (attribute-name roles first, so `<= Interpolation`). */
const Role = {
  AttrName: 0,
  String: 1,
  Interpolation: 2,
  AttrPath: 3,
  Binding: 4,
  Inherit: 5,
  Anonymous: 6,
  Other: 7,
} as const;
const roleByName: Record<string, number> = {
  AttrName: Role.AttrName,
  String: Role.String,
  Interpolation: Role.Interpolation,
  AttrPath: Role.AttrPath,
  Binding: Role.Binding,
  Inherit: Role.Inherit,
};
const roles = Uint8Array.from(parser.nodeSet.types, (type) =>
  type.isAnonymous ? Role.Anonymous : (roleByName[type.name] ?? Role.Other),
);

const hasAttrs = (e: Entry): boolean => e.attrs !== null || e.set !== null;

class Checker {
  constructor(private readonly text: SourceText) {}

  private decode = (n: SyntaxNode): string | null => stringValue(n, this.text);

  /** The attributes a set defines; its clashes go to `found` (null: not reported here). */
  attrsOf(set: SyntaxNode, found: DuplicateAttribute[] | null): Map<string, Entry> {
    const attrs = new Map<string, Entry>();
    // A cursor steps through a big set's children (kept in balanced subtrees) far faster than
    // SyntaxNode.nextSibling does.
    const cursor = set.cursor();
    if (!cursor.firstChild()) return attrs;
    do {
      if (cursor.name === 'Inherit') this.inherit(cursor.node, attrs, found);
      else if (cursor.name === 'Binding') this.bind(cursor.node, attrs, found);
    } while (cursor.nextSibling());
    return attrs;
  }

  private attrsFor(entry: Entry): Map<string, Entry> {
    if (entry.attrs === null) {
      entry.attrs = entry.set ? this.attrsOf(entry.set, null) : new Map<string, Entry>();
      entry.set = null;
    }
    return entry.attrs;
  }

  private inherit(item: SyntaxNode, attrs: Map<string, Entry>, found: DuplicateAttribute[] | null): void {
    let source: SyntaxNode | undefined;
    for (let c = item.firstChild; c; c = c.nextSibling) {
      if (c.name === '(') {
        source = expressionChildren(item)[0];
        break;
      }
    }
    for (let c = item.firstChild; c; c = c.nextSibling) {
      if (c.name !== 'AttrName' && c.name !== 'String' && c.name !== 'Interpolation') continue;
      if (source && c.from < source.to) continue;
      const name = attrName(c, this.text, this.decode);
      if (name === '${…}') continue;
      const span = { from: c.from, to: c.to };
      const existing = attrs.get(name);
      if (existing) found?.push({ span, path: name, first: existing.span });
      else attrs.set(name, { attrs: null, set: null, inherited: true, span });
    }
  }

  private bind(binding: SyntaxNode, root: Map<string, Entry>, found: DuplicateAttribute[] | null): void {
    let pathNode: SyntaxNode | null = null;
    let eq: SyntaxNode | null = null;
    for (let c = binding.firstChild; c; c = c.nextSibling) {
      if (c.name === 'AttrPath') pathNode ??= c;
      else if (c.name === '=') eq ??= c;
    }
    if (!pathNode) return;
    let value: SyntaxNode | undefined;
    for (let c = eq?.nextSibling ?? null; c && !value; c = c.nextSibling)
      if (!c.type.isError && c.name !== ';') value = c;
    // A name without `=` and value is error recovery's guess, not a definition.
    if (!value) return;
    const elements: SyntaxNode[] = [];
    for (let c = pathNode.firstChild; c; c = c.nextSibling) {
      if (c.name === 'AttrName' || c.name === 'String' || c.name === 'Interpolation') elements.push(c);
    }
    const names = elements.map((e) => attrName(e, this.text, this.decode));
    let attrs = root;
    for (let i = 0; i < names.length; i++) {
      const name = names[i] ?? '';
      const element = elements[i];
      if (name === '${…}' || !element) return;
      const span = { from: element.from, to: element.to };
      const existing = attrs.get(name);
      const last = i === names.length - 1;
      if (!last) {
        if (existing && (existing.inherited || !hasAttrs(existing))) {
          found?.push({ span, path: names.join('.'), first: existing.span });
          return;
        }
        if (existing) {
          attrs = this.attrsFor(existing);
        } else {
          const nested = new Map<string, Entry>();
          attrs.set(name, { attrs: nested, set: null, inherited: false, span });
          attrs = nested;
        }
        continue;
      }
      const set = literalSet(value);
      if (!existing) {
        attrs.set(name, { attrs: null, set, inherited: false, span });
      } else if (hasAttrs(existing) && !existing.inherited && set) {
        // Two sets for one name merge, one level deep.
        const into = this.attrsFor(existing);
        for (const [key, entry] of this.attrsOf(set, null)) {
          const clash = into.get(key);
          if (clash) found?.push({ span: entry.span, path: [...names, key].join('.'), first: clash.span });
          else into.set(key, entry);
        }
      } else {
        found?.push({ span, path: names.join('.'), first: existing.span });
      }
    }
  }
}

/**
 * The clashes among the bindings of one set (or `let`), sets written inside it excepted (they
 * report their own); reading its nested sets where Nix merges into them. `memo` keeps the
 * attribute paths of a big set's balanced subtrees across keystrokes (see treeMemo.ts).
 */
export function ownDuplicates(
  set: SyntaxNode,
  text: SourceText,
  memo?: WeakMap<Tree, string[]>,
): DuplicateAttribute[] {
  return mayClashAt(set.cursor(IterMode.IncludeAnonymous), text, memo) ? checkedDuplicates(set, text) : [];
}

/** ownDuplicates without the quick test (for a set mayClashAt did not rule out). */
export function checkedDuplicates(set: SyntaxNode, text: SourceText): DuplicateAttribute[] {
  const found: DuplicateAttribute[] = [];
  new Checker(text).attrsOf(set, found);
  return found;
}

/**
 * A quick test that rules out a clash in most sets. Two items clash only when one's path is a
 * prefix of (or equal to) the other's: a walk down a dotted path stops at another binding only
 * where that binding's path ends, and a merge needs equal paths. An `inherit` name is a path of
 * one name; a computed name cuts a path short (the check walks no further). The test runs on
 * hashes of the paths where it can (mayClashByHashes); otherwise on keys: with every path joined
 * into a key ending in NUL, a prefix is a string prefix ending at a NUL. The keys do not depend on
 * positions, so those of a balanced subtree (how Lezer keeps a long run of bindings) are kept in
 * `memo` by the subtree. `cursor` (made with IterMode.IncludeAnonymous) is at the set, and is
 * left there.
 */
export function mayClashAt(cursor: TreeCursor, text: SourceText, memo?: WeakMap<Tree, string[]>): boolean {
  const hashed = mayClashByHashes(cursor, text, memo === undefined);
  if (hashed !== undefined) return hashed;
  // A balanced subtree inside a binding (never seen in practice): leave it to the full check.
  let unsure = false;
  const collect = (keys: string[]): void => {
    if (!cursor.firstChild()) return;
    do {
      const role = roles[cursor.type.id] ?? Role.Other;
      if (role === Role.Anonymous) {
        const tree = cursor.tree;
        let own = tree ? memo?.get(tree) : undefined;
        if (!own) {
          own = [];
          collect(own);
          if (tree) memo?.set(tree, own);
        }
        for (const key of own) keys.push(key);
      } else if (role === Role.Inherit || role === Role.Binding) {
        if (itemKeys(cursor, text, keys)) unsure = true;
      }
    } while (cursor.nextSibling());
    cursor.parent();
  };
  const keys: string[] = [];
  collect(keys);
  if (unsure) return true;
  if (keys.length < 2) return false;
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) return true;
    seen.add(key);
  }
  // A proper prefix ends at a NUL before the last one (properPrefixes, without its arrays).
  for (const key of keys)
    for (
      let end = key.indexOf('\u0000');
      end >= 0 && end < key.length - 1;
      end = key.indexOf('\u0000', end + 1)
    )
      if (seen.has(key.slice(0, end + 1))) return true;
  return false;
}

/**
 * mayClashAt's test on 32-bit hashes of the keys instead of the keys (strings made and hashed
 * anew for every binding were most of a cold syntax walk's time in a big `check`): the hash of
 * each item's path and of each of its proper prefixes, names separated by a value no character
 * has. Keys that clash have equal hashes, so `false` is exact; equal hashes of keys that do not
 * clash (a collision) only send the set to the full check. undefined, for mayClashAt's keys to
 * answer, when the set holds a binding not read from a buffer (bufferedBindingKey's cases), an
 * `inherit` of a quoted or computed name, or a balanced run while `runs` is false (the keys'
 * test keeps a run's keys in its memo).
 */
function mayClashByHashes(cursor: TreeCursor, text: SourceText, runs: boolean): boolean | undefined {
  finals.count = 0;
  prefixes.count = 0;
  if (!hashItems(cursor, text, runs)) return undefined;
  const f = finals.hashes;
  const p = prefixes.hashes;
  const nf = finals.count;
  const np = prefixes.count;
  if (nf < 2) return false;
  if (nf * (nf + np) <= 1024) {
    for (let i = 0; i < nf; i++) {
      const hash = f[i];
      for (let j = i + 1; j < nf; j++) if (f[j] === hash) return true;
      for (let j = 0; j < np; j++) if (p[j] === hash) return true;
    }
    return false;
  }
  const seen = new Set<number>();
  for (let i = 0; i < nf; i++) {
    const hash = f[i] ?? 0;
    if (seen.has(hash)) return true;
    seen.add(hash);
  }
  for (let j = 0; j < np; j++) if (seen.has(p[j] ?? 0)) return true;
  return false;
}

/** Adds the hashes of the items under `cursor` (left there), through balanced runs when `runs`; false when one cannot be read. */
function hashItems(cursor: TreeCursor, text: SourceText, runs: boolean): boolean {
  if (!cursor.firstChild()) return true;
  let readable = true;
  do {
    const role = roles[cursor.type.id] ?? Role.Other;
    if (role === Role.Binding) readable = hashBinding(cursor, text);
    else if (role === Role.Inherit) readable = hashInherit(cursor, text);
    else if (role === Role.Anonymous) readable = runs && hashItems(cursor, text, runs);
  } while (readable && cursor.nextSibling());
  cursor.parent();
  return readable;
}

/**
 * Hashes gathered for one set, in a buffer kept from set to set (emptying an array with
 * `length = 0` for each set was 14 ms of the profile of a 3,500-file check, as much as the test).
 */
class HashList {
  hashes = new Int32Array(64);
  count = 0;

  push(hash: number): void {
    if (this.count === this.hashes.length) {
      const grown = new Int32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.count++] = hash;
  }
}

/** The hashes of the items' keys and of their proper prefixes (mayClashByHashes). */
const finals = new HashList();
const prefixes = new HashList();

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Ends a name in a key's hash: no UTF-16 code unit is this large. */
const NAME_END = 0x10000;

function hashChars(hash: number, text: SourceText, from: number, to: number): number {
  let h = hash;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return Math.imul(h ^ NAME_END, FNV_PRIME);
}

/**
 * Adds the Binding's hashes, its path read from a tree buffer as bufferedBindingKey reads its key:
 * the binding's own buffer, or, for a binding too big for one, the buffer of its AttrPath. False
 * when it cannot be read so.
 */
function hashBinding(cursor: TreeCursor, text: SourceText): boolean {
  const place = bufferPlace(cursor);
  if (place) {
    const path = bufferedPathIndex(place.b, place.index);
    if (path === undefined) return false;
    return path < 0 || hashPath(place.b, path, place.start, text); // (no path: no key)
  }
  if (!cursor.firstChild()) return true;
  let role: number = roles[cursor.type.id] ?? Role.Other;
  while (role !== Role.AttrPath && role !== Role.Anonymous && cursor.nextSibling())
    role = roles[cursor.type.id] ?? Role.Other;
  const pathPlace = role === Role.AttrPath ? bufferPlace(cursor) : undefined;
  const readable =
    role === Role.AttrPath
      ? pathPlace?.b[pathPlace.index] === ATTR_PATH &&
        hashPath(pathPlace.b, pathPlace.index, pathPlace.start, text)
      : role !== Role.Anonymous;
  cursor.parent();
  return readable;
}

/** Adds the hashes of the AttrPath at `path` in the buffer `b` (which starts at `start`); false for a computed name. */
function hashPath(b: Uint16Array, path: number, start: number, text: SourceText): boolean {
  let hash = FNV_OFFSET;
  let names = 0;
  for (let part = path + 4, end = b[path + 3] ?? path; part < end; part = b[part + 3] ?? end) {
    const role = roles[b[part] ?? 0] ?? Role.Other;
    if (role === Role.AttrName) {
      if (names++ > 0) prefixes.push(hash);
      hash = hashChars(hash, text, start + (b[part + 1] ?? 0), start + (b[part + 2] ?? 0));
    } else if (role === Role.String) {
      const value = bufferedStringValue(b, part, start, text);
      if (value === null) return false;
      if (names++ > 0) prefixes.push(hash);
      hash = hashChars(hash, value, 0, value.length);
    } else if (role <= Role.Interpolation || role === Role.Anonymous) return false;
  }
  if (names > 0) finals.push(hash);
  return true;
}

/** Adds the hash of each plain name the `inherit` at `cursor` (left there) binds; false for any other name. */
function hashInherit(cursor: TreeCursor, text: SourceText): boolean {
  if (!cursor.firstChild()) return true;
  let readable = true;
  do {
    const role = roles[cursor.type.id] ?? Role.Other;
    if (role === Role.AttrName) finals.push(hashChars(FNV_OFFSET, text, cursor.from, cursor.to));
    else if (role <= Role.Interpolation || role === Role.Anonymous) readable = false;
  } while (readable && cursor.nextSibling());
  cursor.parent();
  return readable;
}

/** The keys of `a.b.c` are `a\0b\0`, `a\0`: each proper prefix, ending at a NUL before the last. */
export function properPrefixes(key: string): string[] {
  const out: string[] = [];
  for (
    let end = key.indexOf('\u0000');
    end >= 0 && end < key.length - 1;
    end = key.indexOf('\u0000', end + 1)
  )
    out.push(key.slice(0, end + 1));
  return out;
}

/** What a node is to the clash test: an item (Binding, Inherit), a balanced run (anonymous), or other. */
export function clashRole(typeId: number): 'item' | 'run' | 'other' {
  const role = roles[typeId] ?? Role.Other;
  return role === Role.Binding || role === Role.Inherit ? 'item' : role === Role.Anonymous ? 'run' : 'other';
}

/**
 * Appends the keys of the Binding or Inherit at `cursor` (IncludeAnonymous; left there) to
 * `keys` (see mayClashAt); true when its shape is beyond the quick test (an anonymous node inside).
 */
export function itemKeys(cursor: TreeCursor, text: SourceText, keys: string[]): boolean {
  const raw = bufferedBindingKey(cursor, text);
  if (raw === undefined) return cursorItemKeys(cursor, text, keys);
  if (raw) keys.push(raw);
  return false;
}

/** itemKeys read with the cursor only (the shape of any item; bufferedBindingKey is tested against it). */
export function cursorItemKeys(cursor: TreeCursor, text: SourceText, keys: string[]): boolean {
  const decode = (n: SyntaxNode): string | null => stringValue(n, text);
  // The name of the element at the cursor (by its role: only AttrName needs no SyntaxNode).
  const element = (role: number): string =>
    role === Role.AttrName ? text.slice(cursor.from, cursor.to) : attrName(cursor.node, text, decode);
  let unsure = false;
  const role = roles[cursor.type.id] ?? Role.Other;
  if (role === Role.Inherit) {
    // Conservative: every name in it, the source's too.
    if (!cursor.firstChild()) return false;
    do {
      const inner = roles[cursor.type.id] ?? Role.Other;
      if (inner === Role.Anonymous) unsure = true;
      else if (inner <= Role.Interpolation) keys.push(`${element(inner)}\u0000`);
    } while (cursor.nextSibling());
    cursor.parent();
  } else if (role === Role.Binding && cursor.firstChild()) {
    let inner = roles[cursor.type.id] ?? Role.Other;
    while (inner !== Role.AttrPath && inner !== Role.Anonymous && cursor.nextSibling())
      inner = roles[cursor.type.id] ?? Role.Other;
    if (inner === Role.Anonymous) unsure = true;
    if (inner === Role.AttrPath && cursor.firstChild()) {
      let key = '';
      do {
        const part = roles[cursor.type.id] ?? Role.Other;
        if (part === Role.Anonymous) unsure = true;
        if (part > Role.Interpolation) continue;
        const name = element(part);
        if (name === '${…}') break;
        key += `${name}\u0000`;
      } while (cursor.nextSibling());
      cursor.parent();
      if (key) keys.push(key);
    }
    cursor.parent();
  }
  return unsure;
}

/**
 * itemKeys' key of the Binding at `cursor` read straight from its tree buffer (where nearly every
 * binding is), without moving the cursor: '' when it has no path, undefined when it is not in a
 * buffer or its path has an element other than a plain name (a string or `${…}`: itemKeys reads
 * those with its cursor) or a node it does not expect.
 */
export function bufferedBindingKey(cursor: TreeCursor, text: SourceText): string | undefined {
  const place = bufferPlace(cursor);
  if (!place) return undefined;
  const { b, start } = place;
  const path = bufferedPathIndex(b, place.index);
  if (path === undefined) return undefined;
  if (path < 0) return '';
  let key = '';
  for (let part = path + 4, pathEnd = b[path + 3] ?? path; part < pathEnd; part = b[part + 3] ?? pathEnd) {
    const role = roles[b[part] ?? 0] ?? Role.Other;
    if (role === Role.AttrName)
      key += `${text.slice(start + (b[part + 1] ?? 0), start + (b[part + 2] ?? 0))}\u0000`;
    else if (role === Role.String) {
      const value = bufferedStringValue(b, part, start, text);
      if (value === null) return undefined;
      key += `${value}\u0000`;
    } else if (role <= Role.Interpolation || role === Role.Anonymous) return undefined;
  }
  return key;
}

/**
 * Where, in the buffer `b`, the AttrPath of the Binding at `index` is: -1 when it has none;
 * undefined when the node is no Binding, or an anonymous node comes before its path.
 */
function bufferedPathIndex(b: Uint16Array, index: number): number | undefined {
  if (b[index] !== BINDING) return undefined;
  const end = b[index + 3] ?? index;
  let path = index + 4;
  for (; path < end && b[path] !== ATTR_PATH; path = b[path + 3] ?? end)
    if (roles[b[path] ?? 0] === Role.Anonymous) return undefined;
  return path >= end ? -1 : path;
}

/** Every attribute defined twice in a set or `let` of the tree rooted at `top`. */
export function duplicateAttributes(top: SyntaxNode, text: SourceText): DuplicateAttribute[] {
  const found: DuplicateAttribute[] = [];
  const cursor = top.cursor();
  do {
    if (bindingContainers.has(cursor.name)) for (const d of ownDuplicates(cursor.node, text)) found.push(d);
  } while (cursor.next());
  return found;
}
