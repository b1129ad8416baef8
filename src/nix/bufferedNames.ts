/**
 * A binding's first attribute names read straight from the tree buffer it is in (where nearly
 * every binding of a parse is): the (type, from, to, end) quads in prefix order, as treeHasError
 * and locateIndex read them, instead of a cursor step per child. locate reads the first names of
 * every binding of a module, twice (its top-level keys, then each item): issue 8, goal 6.
 * test/unit/perf/coldShortcuts.test.ts checks every shortcut here against the cursor's reading.
 */
import type { SourceText } from './sourceText.js';
import type { TreeBuffer, TreeCursor } from '@lezer/common';
import { parser } from './generated/parser.js';
import { stringValue, unescapeDoubleQuoted } from './strings.js';
import { ownText } from './ownText.js';
import { attrName } from './unwrap.js';

/** The parts of @lezer/common's TreeCursor read here: not in its public types, checked at run time. */
interface CursorInternals {
  /** The tree buffer the cursor is in (and where it starts), when it is at a node inside one. */
  buffer?: { buffer?: TreeBuffer; start?: number } | null;
  /** The node's index in that buffer's quads. */
  index?: number;
}

/** The quads of the buffer the cursor is in, its node's index and the buffer's start offset. */
export interface BufferPlace {
  b: Uint16Array;
  index: number;
  start: number;
}

export function bufferPlace(cursor: TreeCursor): BufferPlace | undefined {
  const { buffer: context, index } = cursor as unknown as CursorInternals;
  const tree = context?.buffer;
  const start = context?.start;
  if (!tree || index === undefined || start === undefined || tree.set !== parser.nodeSet) return undefined;
  return { b: tree.buffer, index, start };
}

const typeOf = (name: string): number => parser.nodeSet.types.find((t) => t.name === name)?.id ?? -1;
export const BINDING = typeOf('Binding');
export const ATTR_PATH = typeOf('AttrPath');
const ATTR_NAME = typeOf('AttrName');
const STRING = typeOf('String');
const INTERPOLATION = typeOf('Interpolation');
const STRING_CONTENT = typeOf('StringContent');
const anonymous = Uint8Array.from(parser.nodeSet.types, (type) => (type.isAnonymous ? 1 : 0));

/**
 * stringValue of the String at `at` in the buffer `b` (which starts at `start`): its first
 * StringContent unescaped, '' without one; null when it interpolates.
 */
export function bufferedStringValue(
  b: Uint16Array,
  at: number,
  start: number,
  text: SourceText,
): string | null {
  let content = -1;
  for (let child = at + 4, end = b[at + 3] ?? at; child < end; child = b[child + 3] ?? end) {
    const type = b[child] ?? 0;
    if (type === INTERPOLATION) return null;
    if (type === STRING_CONTENT && content < 0) content = child;
  }
  if (content < 0) return '';
  return ownText(
    unescapeDoubleQuoted(text.slice(start + (b[content + 1] ?? 0), start + (b[content + 2] ?? 0))),
  );
}

/**
 * cursorFirstNames of the Binding at `cursor` read from its buffer, the cursor left alone;
 * undefined when it is not in a buffer, or its path holds a `${…}` element or a node the cursor
 * would step into (anonymous): cursorFirstNames reads those.
 */
export function bufferedFirstNames(
  cursor: TreeCursor,
  text: SourceText,
  count: number,
): string[] | undefined {
  const place = bufferPlace(cursor);
  if (!place) return undefined;
  const { b, index, start } = place;
  if (b[index] !== BINDING) return undefined;
  const end = b[index + 3] ?? index;
  const names: string[] = [];
  let path = index + 4;
  for (; path < end && b[path] !== ATTR_PATH; path = b[path + 3] ?? end)
    if (anonymous[b[path] ?? 0]) return undefined;
  if (path >= end) return names;
  for (let part = path + 4, pathEnd = b[path + 3] ?? path; part < pathEnd; part = b[part + 3] ?? pathEnd) {
    const type = b[part] ?? 0;
    if (anonymous[type] || type === INTERPOLATION) return undefined;
    if (type === ATTR_NAME)
      names.push(ownText(text.slice(start + (b[part + 1] ?? 0), start + (b[part + 2] ?? 0))));
    else if (type === STRING) names.push(bufferedStringValue(b, part, start, text) ?? '${…}');
    else continue;
    if (names.length >= count) break;
  }
  return names;
}

/** The first `count` names of the attribute path of the Binding at the cursor (left there). */
export function cursorFirstNames(cursor: TreeCursor, text: SourceText, count: number): string[] {
  const names: string[] = [];
  // (A function, so the compiler does not narrow the name across cursor moves.)
  const name = (): string => cursor.name;
  if (!cursor.firstChild()) return names;
  while (name() !== 'AttrPath' && cursor.nextSibling());
  if (name() === 'AttrPath' && cursor.firstChild()) {
    do {
      const element = name();
      if (element === 'AttrName') names.push(ownText(text.slice(cursor.from, cursor.to)));
      else if (element === 'String' || element === 'Interpolation')
        names.push(attrName(cursor.node, text, (n) => stringValue(n, text)));
    } while (names.length < count && cursor.nextSibling());
    cursor.parent();
  }
  cursor.parent();
  return names;
}

/** The first `count` names of the attribute path of the Binding at the cursor (left there). */
export function firstNames(cursor: TreeCursor, text: SourceText, count: number): string[] {
  return bufferedFirstNames(cursor, text, count) ?? cursorFirstNames(cursor, text, count);
}
