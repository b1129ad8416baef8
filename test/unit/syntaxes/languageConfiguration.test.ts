import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../util/paths.js';

interface LanguageConfiguration {
  comments: { lineComment: string; blockComment: [string, string] };
  brackets: [string, string][];
  autoClosingPairs: { open: string; close: string; notIn?: string[] }[];
  surroundingPairs: [string, string][];
  wordPattern: string;
}

describe('language-configuration.json', () => {
  const config = JSON.parse(
    readFileSync(join(projectRoot, 'language-configuration.json'), 'utf8'),
  ) as LanguageConfiguration;

  it('declares Nix comments', () => {
    assert.equal(config.comments.lineComment, '#');
    assert.deepEqual(config.comments.blockComment, ['/*', '*/']);
  });

  it('pairs brackets, interpolations, and both kinds of strings', () => {
    assert.deepEqual(config.brackets, [
      ['{', '}'],
      ['[', ']'],
      ['(', ')'],
      ['${', '}'],
    ]);
    const pairs = config.autoClosingPairs.map((p) => `${p.open}${p.close}`);
    for (const pair of ['{}', '[]', '()', '""', "''''"]) assert.ok(pairs.includes(pair), pair);
    assert.ok(config.surroundingPairs.some(([open, close]) => open === "''" && close === "''"));
  });

  it("treats linux-builder and foo' as one word, as Nix identifiers", () => {
    const word = new RegExp(`^${config.wordPattern}$`);
    assert.ok(word.test('linux-builder'));
    assert.ok(word.test("foo'"));
    assert.ok(!word.test('a.b'));
  });
});
