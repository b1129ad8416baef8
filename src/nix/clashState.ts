/**
 * mayClashAt for a big set, kept up to date across keystrokes (issue 8, goal 1). A set of 20k
 * bindings is rebuilt by every edit inside it, so testing all its keys again costs the whole set;
 * instead a count of its keys (and of the keys they extend) is carried from the set's previous
 * version to the new one: the subtrees both versions share are skipped, the keys of the old
 * version's own parts are taken out and the new version's put in. A key clashes when it occurs
 * twice or another key extends it (duplicates.ts mayClashAt), so the verdict is a counter.
 *
 * Everything is read from per-subtree summaries made while the text was current, since the old
 * version's text is gone. The counts are exact whatever old version they start from; a good
 * match (one sharing most subtrees) only makes the update cheap. They are made from a document's
 * second analysis on: the first (and only, in `check`) takes the quick test (mayClashAt).
 */
import type { SourceText } from './sourceText.js';
import type { Tree, TreeCursor } from '@lezer/common';
import { clashRole, itemKeys, properPrefixes } from './duplicates.js';
import type { TreeMemo } from './treeMemo.js';
import { memoFor } from './treeMemo.js';

/** An item (Binding/Inherit) or a balanced run of items kept as a Tree, or a whole set. */
interface Summary {
  /** Keys of the items directly in it (not inside `children`). */
  keys: string[];
  /** The item and run Trees in it, each with its own summary. */
  children: Tree[];
  /** An item of a shape beyond the quick test is directly in it. */
  unsure: boolean;
}

interface ClashState {
  /** The set version the counts describe. */
  tree: Tree;
  /** The run and item Trees of that version (what a new version may share with it). */
  members: WeakSet<Tree>;
  count: Map<string, number>;
  /** How many keys (with repeats) extend each prefix. */
  extendedBy: Map<string, number>;
  /** Keys that occur twice, plus keys that another key extends. */
  clashes: number;
  unsure: number;
}

const statesOf = new WeakMap<TreeMemo, ClashState[]>();
/** Big sets followed per document (a file with more big sets recounts the others now and then). */
const MAX_STATES = 8;

/**
 * The summary of the node at `cursor` (a set, run or item; the cursor is left there). The trees
 * summarized now (not found in the memo) are added to `made`.
 */
function summarize(
  cursor: TreeCursor,
  text: SourceText,
  memo: WeakMap<Tree, Summary>,
  made: Set<Tree>,
): Summary {
  const summary: Summary = { keys: [], children: [], unsure: false };
  if (clashRole(cursor.type.id) === 'item') {
    summary.unsure = itemKeys(cursor, text, summary.keys);
    return summary;
  }
  const visit = (): void => {
    if (!cursor.firstChild()) return;
    do {
      const role = clashRole(cursor.type.id);
      if (role === 'other') continue;
      const tree = cursor.tree;
      if (tree) {
        summary.children.push(tree);
        if (!memo.has(tree)) {
          made.add(tree);
          memo.set(tree, summarize(cursor, text, memo, made));
        }
      } else if (role === 'run') visit();
      else if (itemKeys(cursor, text, summary.keys)) summary.unsure = true;
    } while (cursor.nextSibling());
    cursor.parent();
  };
  visit();
  return summary;
}

function addKey(state: ClashState, key: string, sign: 1 | -1): void {
  const { count, extendedBy } = state;
  const before = count.get(key) ?? 0;
  const after = before + sign;
  if (after) count.set(key, after);
  else count.delete(key);
  const twice = (n: number) => (n >= 2 ? 1 : 0);
  const present = (n: number) => (n >= 1 ? 1 : 0);
  state.clashes += twice(after) - twice(before);
  if ((extendedBy.get(key) ?? 0) > 0) state.clashes += present(after) - present(before);
  for (const prefix of properPrefixes(key)) {
    const was = extendedBy.get(prefix) ?? 0;
    const now = was + sign;
    if (now) extendedBy.set(prefix, now);
    else extendedBy.delete(prefix);
    if ((count.get(prefix) ?? 0) > 0) state.clashes += present(now) - present(was);
  }
}

function account(state: ClashState, summary: Summary, sign: 1 | -1): void {
  for (const key of summary.keys) addKey(state, key, sign);
  if (summary.unsure) state.unsure += sign;
}

/**
 * Whether the big set at `cursor` (IncludeAnonymous; left there) may have a clash. (The first
 * analysis of a document takes the quick test instead, syntaxProblems.ts: made then, the counts
 * were ~5 % of a cold analysis of the 20,000-line config.)
 */
export function mayClashInBigSet(
  set: Tree,
  cursor: TreeCursor,
  text: SourceText,
  treeMemo: TreeMemo,
): boolean {
  const states = statesOf.get(treeMemo) ?? [];
  statesOf.set(treeMemo, states);
  const memo = memoFor<Summary>(treeMemo, 'clashSummaries');
  const made = new Set<Tree>();
  const top = summarize(cursor, text, memo, made);
  memo.set(set, top);
  // The state of a version this one shares a subtree with: under the rebuilt spine (the new
  // nodes from the set down to the edit, the ones summarized now) lie the old version's untouched
  // runs. Only the spine is searched: an old run that is not a member of a state was not in that
  // state's version, and what it holds seldom is (a miss only costs a count afresh). A file with
  // two big sets rebuilt by each keystroke (a `let` whose `in` is mistyped runs on to the end,
  // inside the file's top set) otherwise searched 256 nodes of each set for the other's state.
  const shares = (state: ClashState, summary: Summary, budget: { nodes: number }): boolean =>
    summary.children.some((child) => {
      if (state.members.has(child)) return true;
      if (!made.has(child)) return false;
      const inner = memo.get(child);
      return --budget.nodes > 0 && inner !== undefined && shares(state, inner, budget);
    });
  let state = states.find((s) => s.tree === set) ?? states.find((s) => shares(s, top, { nodes: 256 }));
  if (state && !memo.has(state.tree)) {
    // (Its summary is gone: count afresh.)
    states.splice(states.indexOf(state), 1);
    state = undefined;
  }
  if (!state) {
    state = {
      tree: set,
      members: new WeakSet(),
      count: new Map(),
      extendedBy: new Map(),
      clashes: 0,
      unsure: 0,
    };
    const fresh = state;
    const addAll = (summary: Summary): void => {
      account(fresh, summary, 1);
      for (const child of summary.children) {
        fresh.members.add(child);
        const inner = memo.get(child);
        if (inner) addAll(inner);
      }
    };
    addAll(top);
    states.unshift(state);
    if (states.length > MAX_STATES) states.pop();
  } else if (state.tree !== set) {
    const current = state;
    const shared = new Set<Tree>();
    const added: Tree[] = [];
    // The new version's own parts in; the parts it shares with the old version are left alone.
    const putIn = (summary: Summary): void => {
      account(current, summary, 1);
      for (const child of summary.children) {
        if (current.members.has(child)) {
          shared.add(child);
          continue;
        }
        added.push(child);
        const inner = memo.get(child);
        if (inner) putIn(inner);
      }
    };
    // The old version's own parts out (all of them are under parts not shared).
    const takeOut = (summary: Summary): void => {
      account(current, summary, -1);
      for (const child of summary.children) {
        if (shared.has(child)) continue;
        current.members.delete(child);
        const inner = memo.get(child);
        if (inner) takeOut(inner);
      }
    };
    putIn(top);
    const old = memo.get(current.tree);
    if (old) takeOut(old);
    // (The state found serves this set now: most recently used first.)
    states.splice(states.indexOf(current), 1);
    states.unshift(current);
    for (const tree of added) current.members.add(tree);
    current.tree = set;
  }
  return state.unsure > 0 || state.clashes > 0;
}

/** A set kept as balanced runs of items (how Lezer stores a long one): worth following. */
export function isBigSet(set: Tree | null): set is Tree {
  if (!set) return false;
  for (const child of set.children) if (!('buffer' in child) && child.type.isAnonymous) return true;
  return false;
}
