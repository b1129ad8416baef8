/**
 * The memo of Lezer's addActions (src/nix/actionMemo.ts) against Lezer's own function: the same
 * actions for every state, every term and every kind of starting list, and the same trees for
 * every text the equivalence tests use, with and without a syntax error.
 */
import assert from 'node:assert/strict';
import { memoizeActions } from '../../../src/nix/actionMemo.js';
import { parseNix } from '../../../src/nix/parse.js';
import { parser, parserAroundErrors } from '../../../src/nix/parser.js';
import { corpus } from '../../util/corpus.js';
import { damagedVariants } from '../../util/syntaxErrors.js';

type AddActions = (this: unknown, stack: unknown, token: number, end: number, index: number) => number;
interface Installed {
  memo: AddActions & { original: AddActions; serves: unknown[] };
  proto: { addActions: AddActions; putAction: unknown };
}

function installed(): Installed {
  const cache = (parser.startParse('') as unknown as { tokens: object }).tokens;
  const proto = Object.getPrototypeOf(cache) as Installed['proto'];
  const memo = proto.addActions as Installed['memo'];
  assert.equal(typeof memo.original, 'function', 'the memo is installed');
  return { memo, proto };
}

/** Every tree as a list of its nodes (type, from, to), parsed as the parser now stands. */
function trees(texts: string[]): string[] {
  return texts.map((text) => {
    const nodes: string[] = [];
    parser.parse(text).iterate({ enter: (node) => void nodes.push(`${node.name}:${node.from}-${node.to}`) });
    return nodes.join(' ');
  });
}

describe('actionMemo: the memo of Lezer parse actions', function () {
  this.timeout(120_000);

  it('adds the actions Lezer adds, for every state, term and starting list', function () {
    const { memo, proto } = installed();
    // @lezer/lr 1.4.12 (src/constants.ts): a state takes ParseState.Size = 6 slots of `states`.
    const states = (parser as unknown as { states: Uint32Array }).states.length / 6;
    const maxTerm = (parser as unknown as { maxTerm: number }).maxTerm;
    assert.ok(states > 100 && maxTerm > 50, `${states} states, ${maxTerm} terms`);
    let compared = 0;
    let withActions = 0;
    for (let state = 0; state < states; state++) {
      const stack = { state, p: { parser } };
      for (let token = 0; token <= maxTerm; token++) {
        const fresh = { actions: [] as number[], putAction: proto.putAction };
        const expected = memo.original.call(fresh, stack, token, 9, 0);
        const first = fresh.actions[0];
        // Empty, an unrelated earlier action, and the first action itself already there.
        const priors = [[], [-1, -1, -1], ...(first === undefined ? [] : [[first, 1, 2]])];
        for (const prior of priors) {
          const a = { actions: [...prior], putAction: proto.putAction };
          const b = { actions: [...prior], putAction: proto.putAction };
          const endA = memo.original.call(a, stack, token, 9, prior.length);
          const endB = memo.call(b, stack, token, 9, prior.length);
          assert.equal(endB, endA, `state ${state}, token ${token}, ${prior.length} earlier`);
          assert.deepEqual(b.actions.slice(0, endB), a.actions.slice(0, endA));
          compared++;
        }
        if (expected > 0) withActions++;
      }
    }
    // (So that the loop above cannot pass by comparing nothing.)
    assert.ok(withActions > states, `${withActions} state/token pairs with actions of ${compared} compared`);
    console.log(`      (${compared} compared, ${withActions} state/token pairs with actions)`);
  });

  it('leaves every tree as Lezer builds it, with or without syntax errors', function () {
    const { memo, proto } = installed();
    const clean = corpus().map((c) => c.text);
    const broken = clean.flatMap(damagedVariants);
    const texts = [...clean, ...broken];
    const withMemo = trees(texts);
    proto.addActions = memo.original;
    let without: string[];
    try {
      without = trees(texts);
    } finally {
      proto.addActions = memo;
    }
    const withErrors = withMemo.filter((tree) => tree.includes('⚠:')).length;
    assert.ok(withErrors > 500, `${withErrors} of ${texts.length} trees with an error node`);
    texts.forEach((_, i) => assert.equal(withMemo[i], without[i], `text ${i} of ${texts.length}`));
  });

  it('is what the engine parses with', function () {
    const { memo, proto } = installed();
    assert.equal(memoizeActions(parser), true, 'installed once, and not twice');
    const parsers = new Set<unknown>();
    proto.addActions = function (this: unknown, stack: unknown, token: number, end: number, index: number) {
      parsers.add((stack as { p: { parser: unknown } }).p.parser);
      return memo.call(this, stack, token, end, index);
    };
    try {
      parseNix('{ nix.linux-builder.enable = true; }');
    } finally {
      proto.addActions = memo;
    }
    assert.deepEqual([...parsers], [parser]);
  });

  it('also serves the variant a document with a syntax error is re-parsed with', function () {
    const { memo, proto } = installed();
    assert.deepEqual(memo.serves, [parser, parserAroundErrors]);
    const parsers = new Set<unknown>();
    proto.addActions = function (this: unknown, stack: unknown, token: number, end: number, index: number) {
      parsers.add((stack as { p: { parser: unknown } }).p.parser);
      return memo.call(this, stack, token, end, index);
    };
    try {
      const text = '{ a = 1 b = 2; }';
      const parsed = parseNix(text);
      assert.equal(parsed.hasErrors, true);
      parseNix(`${text} `, { parsed, changes: [{ fromA: 16, toA: 16, fromB: 16, toB: 17 }] });
    } finally {
      proto.addActions = memo;
    }
    assert.deepEqual([...parsers], [parser, parserAroundErrors]);
  });
});
