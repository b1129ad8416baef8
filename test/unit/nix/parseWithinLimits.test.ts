/**
 * The premises of the incremental parse of a broken file (src/nix/parseWithinLimits.ts): outside
 * error recovery a parse has one stack (the grammar has no ambiguous action), and every error node
 * lies in a stretch recorded as recovered (those stretches are what the next parse must not reuse).
 * If the grammar or @lezer/lr changes so that either fails, these fail before the oracle does.
 */
import assert from 'node:assert/strict';
import { ParseWithinLimits } from '../../../src/nix/parseWithinLimits.js';
import { corpus } from '../../util/corpus.js';
import { generateDarwinConfig, generateShape } from '../../util/generateConfig.js';
import { oneSyntaxError } from '../../util/syntaxErrors.js';
import { snippets } from './snippets.js';

function parseWatched(text: string): { parse: ParseWithinLimits; errors: number[][] } {
  const parse = new ParseWithinLimits(text, []);
  const tree = parse.advance(Infinity);
  if (!tree || tree === 'error' || tree === 'reached') throw new Error('the parse did not finish');
  const errors: number[][] = [];
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) errors.push([node.from, node.to]);
    },
  });
  return { parse, errors };
}

describe('parseWithinLimits: what makes reuse in a broken file safe', function () {
  this.timeout(60_000);
  const generated = generateDarwinConfig(600, 3);
  const texts = [
    ...corpus(),
    ...snippets.map(({ text }, i) => ({ name: `snippet ${i}`, text })),
    ...(['unclosed-string', 'mistyped-in', 'missing-semicolon'] as const).map((kind) => ({
      name: kind,
      text: oneSyntaxError(generated, kind).text,
    })),
    { name: 'truncated', text: generated.slice(0, generated.length >> 1) },
    // After an earlier error (a binding without its name), the unclosed string turns the rest
    // into one long call, which Lezer cuts short: its left-chain cut makes error nodes too.
    {
      name: 'nested, unclosed string',
      text: oneSyntaxError(generateShape('nested', 1200), 'unclosed-string').text.replace('leaf2 = ', ' = '),
    },
  ];

  it('no parse runs two stacks outside error recovery', () => {
    for (const { name, text } of texts) {
      try {
        assert.equal(parseWatched(text).parse.proven, true, name);
      } catch (error) {
        if ((error as Error).name !== 'BeyondParserLimits') throw error;
      }
    }
  });

  it('every error node lies within a recovered stretch', () => {
    let broken = 0;
    for (const { name, text } of texts) {
      let watched;
      try {
        watched = parseWatched(text);
      } catch (error) {
        if ((error as Error).name === 'BeyondParserLimits') continue;
        throw error;
      }
      const { parse, errors } = watched;
      if (errors.length > 0) broken++;
      for (const [from = 0, to = 0] of errors)
        assert.ok(
          parse.recoveries.some((r) => r.from <= from && to <= r.to),
          `${name}: error ${from}-${to} outside ${JSON.stringify(parse.recoveries)}`,
        );
    }
    assert.ok(broken >= 4, `only ${broken} texts had errors`);
  });
});
