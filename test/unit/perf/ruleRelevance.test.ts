import assert from 'node:assert/strict';
import type { Located } from '../../../src/nix/model.js';
import { locate } from '../../../src/nix/locate.js';
import { parseNix } from '../../../src/nix/parse.js';
import { analyzeNix } from '../../../src/rules/analyze.js';
import { RULES } from '../../../src/rules/registry.js';
import { ruleRelevance } from '../../../src/rules/registry.js';
import { corpus } from '../../util/corpus.js';
import type { AnalyzedVersion } from '../../../src/server/documents.js';
import { locatedOf } from '../../../src/server/located.js';

/** The full result cut down to what `ruleRelevance` admits, as locate's filter promises. */
function filtered(full: Located): Located {
  return {
    definitions: full.definitions.filter((d) => ruleRelevance(d.path) === 'all'),
    attrsets: full.attrsets.filter((s) => ruleRelevance(s.path) !== 'none'),
    lists: full.lists.filter((l) => ruleRelevance(l.path) !== 'none'),
    modules: full.modules,
    systems: full.systems,
    imports: full.imports,
  };
}

describe('rules read only the option paths ruleRelevance admits', function () {
  this.timeout(60_000);
  const texts = corpus();

  it('locate with the rules filter gives the full result filtered by path', () => {
    for (const { name, text } of texts) {
      const parsed = parseNix(text);
      assert.deepEqual(locate(parsed, { only: ruleRelevance }), filtered(locate(parsed)), name);
    }
  });

  it('rules see the same findings with the full located', () => {
    for (const { name, text } of texts) {
      const parsed = parseNix(text);
      const full = { text, located: locate(parsed) };
      const rules = { text, located: locate(parsed, { only: ruleRelevance }) };
      for (const rule of RULES) {
        let expected: unknown;
        try {
          expected = rule.check(full);
        } catch (error) {
          expected = error;
        }
        let actual: unknown;
        try {
          actual = rule.check(rules);
        } catch (error) {
          actual = error;
        }
        assert.deepEqual(actual, expected, `${rule.id} on ${name}`);
      }
    }
  });

  it("the server locates the whole file's definitions on first need, once per analysed version", () => {
    for (const { name, text } of texts.slice(0, 40)) {
      const analysis = analyzeNix(text);
      const version: AnalyzedVersion = { version: 1, findings: analysis.findings, parsed: analysis.parsed };
      const located = locatedOf(version, () => undefined);
      assert.deepEqual(located, locate(parseNix(text)), name);
      assert.equal(
        locatedOf(version, () => undefined),
        located,
        `${name}: located again`,
      );
    }
  });
});
