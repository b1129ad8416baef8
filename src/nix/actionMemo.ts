/**
 * A memo of Lezer's `addActions` for this grammar's parser: the parse actions a state has for a
 * token, looked up instead of scanned for.
 *
 * Why: @lezer/lr (1.4.12, src/parse.ts, TokenCache.addActions) finds a token's actions by walking
 * the state's whole action list, then its skip list, for every token read, whitespace included,
 * and again after every reduction that needs a lookahead. That walk was the top of every parse
 * profile (`check` of 3,500 files: a third of the parse; docs/dev/architecture.md#parse-speed); the
 * memo makes a parse of the same files ~30 % shorter.
 *
 * What it relies on: that `addActions(stack, token, end, index)` depends on nothing but the
 * parser, `stack.state`, `token` and whether `index` is 0, and adds actions only through
 * `this.putAction` (which also drops an action already in `this.actions`, so the same action twice
 * is harmless). The memo is made by calling Lezer's own addActions, on a stand-in cache, once per
 * state and token: it holds no copy of Lezer's table layout. The unit test (actionMemo.test.ts)
 * checks it against the original for every state, every term and both kinds of `index`, and
 * that trees are unchanged; when the internals are not as read here, nothing is installed and the
 * parse runs as Lezer wrote it.
 */
import type { LRParser } from '@lezer/lr';

/** The parts of @lezer/lr's TokenCache used here: not in its public types, checked at run time. */
interface TokenCacheInternals {
  actions: number[];
  putAction: (this: TokenCacheInternals, action: number, token: number, end: number, index: number) => number;
  addActions: (
    this: TokenCacheInternals,
    stack: StackLike,
    token: number,
    end: number,
    index: number,
  ) => number;
}
interface StackLike {
  state: number;
  p: { parser: LRParser };
}

/** The actions added for a state and token: when `index` is 0, and when it is not. */
type Added = readonly [readonly number[], readonly number[]];

/**
 * How the memo holds a state and token's actions, per state in an Int32Array indexed by token (a
 * parse reads it for every token, so it is one typed-array read). This grammar has no state with a
 * default action and no token with two actions in one state, so every entry is NONE or one action.
 */
const UNKNOWN = 0;
const NONE = 1;
/** The actions are in the memo's `lists` (any other shape: what Lezer adds, in full). */
const LISTED = -1;
/** One action `a`, whatever `index` is, is held as a + SINGLE. */
const SINGLE = 2;

/**
 * Whether `parser`'s parses use the memo (false: Lezer's internals were not as expected).
 * `variant`, a parser configured from it with the same tables (another bufferLength: parser.ts),
 * shares the memo when its tables are indeed the same objects.
 */
export function memoizeActions(parser: LRParser, variant?: LRParser): boolean {
  const proto = tokenCachePrototype(parser);
  const term = (parser as unknown as { maxTerm?: unknown }).maxTerm;
  if (!proto || typeof term !== 'number') return false;
  const maxTerm = term;
  if ((proto.addActions as { memoFor?: LRParser }).memoFor === parser) return true;
  const alike = variant && sameTables(parser, variant) ? variant : parser;
  const original = proto.addActions;
  const putAction = proto.putAction;
  const codes: (Int32Array | undefined)[] = [];
  const lists = new Map<number, Added>();

  /** The actions Lezer's addActions adds for this state and token, starting at an empty list or not. */
  function actionsOf(stack: StackLike, token: number): Added {
    const added = (prior: number[]): number[] => {
      const standIn = { actions: [...prior], putAction };
      const end = original.call(standIn as unknown as TokenCacheInternals, stack, token, 0, prior.length);
      const actions: number[] = [];
      for (let i = prior.length; i < end; i += 3) actions.push(standIn.actions[i] ?? 0);
      return actions;
    };
    // (-1 is no action: the stand-in's earlier entry only makes `index` non-zero.)
    return [added([]), added([-1, -1, -1])];
  }

  function encode(stack: StackLike, token: number): number {
    const [first, later] = actionsOf(stack, token);
    const only = first[0] ?? -1;
    if (first.length === 0 && later.length === 0) return NONE;
    if (first.length === 1 && later.length === 1 && later[0] === only && only >= 0 && only < 0x7fff_0000)
      return only + SINGLE;
    lists.set(stack.state * (maxTerm + 1) + token, [first, later]);
    return LISTED;
  }

  const addActions = function (
    this: TokenCacheInternals,
    stack: StackLike,
    token: number,
    end: number,
    index: number,
  ): number {
    const from = stack.p.parser;
    if ((from !== parser && from !== alike) || token > maxTerm)
      return original.call(this, stack, token, end, index);
    const byToken = (codes[stack.state] ??= new Int32Array(maxTerm + 1));
    let code = byToken[token] ?? UNKNOWN;
    if (code === UNKNOWN) code = byToken[token] = encode(stack, token);
    if (code === NONE) return index;
    if (code !== LISTED) return this.putAction(code - SINGLE, token, end, index);
    const listed = lists.get(stack.state * (maxTerm + 1) + token) ?? [[], []];
    const actions = index === 0 ? listed[0] : listed[1];
    for (let i = 0; i < actions.length; i++) index = this.putAction(actions[i] ?? 0, token, end, index);
    return index;
  };
  // (The test compares the memo with Lezer's own function, kept here, and reads which parsers it serves.)
  Object.assign(addActions, { memoFor: parser, original, serves: [...new Set([parser, alike])] });
  proto.addActions = addActions;
  return true;
}

/** TokenCache's prototype, reached through a parse (the class is not exported), if it is as read here. */
function tokenCachePrototype(parser: LRParser): TokenCacheInternals | undefined {
  const parse = parser.startParse('') as unknown as { tokens?: unknown };
  const cache = parse.tokens;
  if (typeof cache !== 'object' || cache === null) return undefined;
  const proto = Object.getPrototypeOf(cache) as Partial<TokenCacheInternals> | null;
  if (
    !proto ||
    typeof proto.addActions !== 'function' ||
    proto.addActions.length !== 4 ||
    typeof proto.putAction !== 'function' ||
    !Array.isArray((cache as Partial<TokenCacheInternals>).actions)
  )
    return undefined;
  return proto as TokenCacheInternals;
}

/** Whether two parsers read the same parse tables (what addActions reads: states and data). */
function sameTables(a: LRParser, b: LRParser): boolean {
  const tables = (p: LRParser) => p as unknown as { states?: unknown; data?: unknown };
  return (
    tables(a).states !== undefined &&
    tables(a).states === tables(b).states &&
    tables(a).data !== undefined &&
    tables(a).data === tables(b).data
  );
}
