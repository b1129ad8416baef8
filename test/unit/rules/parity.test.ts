import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { locate } from '../../../src/nix/locate.js';
import { parseNix } from '../../../src/nix/parse.js';
import { analyzeNix } from '../../../src/rules/analyze.js';
import { RULE_IDS, RULES } from '../../../src/rules/registry.js';
import { relevanceOf } from '../../../src/rules/rule.js';
import { corpus } from '../../util/corpus.js';
import { projectRoot } from '../../util/paths.js';

/**
 * Adding a rule is its file under src/rules/all/ (id, severity, the option paths it reads, its page
 * and `check`; the build lists the folder's files), its page under docs/rules/ and a test. This fails when a
 * declaration is missing or does not match what `check` does.
 */
describe('rule declarations and their parity', function () {
  this.timeout(60_000);
  const read = (path: string): string => readFileSync(join(projectRoot, path), 'utf8');
  const ruleTests = readdirSync(join(projectRoot, 'test/unit/rules'))
    .filter((f) => f.endsWith('.test.ts') && f !== 'parity.test.ts' && f !== 'examples.test.ts')
    .map((f) => read(`test/unit/rules/${f}`));
  const texts = corpus();

  it('every rule file under src/rules/all/ is registered, each id once', function () {
    const files = readdirSync(join(projectRoot, 'src/rules/all')).filter((f) => f.endsWith('.ts'));
    const declared = files.filter((f) => /export const \w+Rule: Rule = \{/.test(read(`src/rules/all/${f}`)));
    assert.equal(declared.length, RULES.length, `rule files: ${declared.join(', ')}`);
    assert.equal(new Set(RULE_IDS).size, RULE_IDS.length);
    for (const id of RULE_IDS) assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  for (const rule of RULES) {
    describe(rule.id, function () {
      it('has its page under docs/rules/, listed in the rules index and the README', function () {
        assert.equal(rule.docs, `docs/rules/${rule.id}.md`, 'the server links docs/rules/<id>.md');
        assert.ok(existsSync(join(projectRoot, rule.docs)), `${rule.docs} is missing`);
        assert.match(
          read('docs/rules/README.md'),
          new RegExp(`\\[${rule.id}\\]\\(${rule.id}\\.md\\)`),
          'docs/rules/README.md has no row for it',
        );
        assert.match(
          read('README.md'),
          new RegExp(`^\\| \`${rule.id}\` \\|`, 'm'),
          'README.md has no row for it',
        );
      });

      it('has a test that names it', function () {
        const quoted = new RegExp(`['"\`]${rule.id}['"\`]`);
        assert.ok(
          ruleTests.some((t) => quoted.test(t)),
          `no test under test/unit/rules/ names '${rule.id}'`,
        );
      });

      it(`reports with its declared severity (${rule.severity})`, function () {
        for (const { name, text } of texts) {
          for (const f of analyzeNix(text).findings.filter((x) => x.code === rule.id))
            assert.equal(f.severity, rule.severity, name);
        }
      });

      it(`reads only the option paths it declares (${rule.reads.map((p) => p.join('.')).join(', ')})`, function () {
        const own = relevanceOf(rule.reads);
        const outcome = (run: () => unknown): unknown => {
          try {
            return run();
          } catch (error) {
            return error;
          }
        };
        for (const { name, text } of texts) {
          const parsed = parseNix(text);
          const expected = outcome(() => rule.check({ text, located: locate(parsed) }));
          const actual = outcome(() => rule.check({ text, located: locate(parsed, { only: own }) }));
          assert.deepEqual(actual, expected, name);
        }
      });
    });
  }
});

describe('relevanceOf', function () {
  const relevance = relevanceOf([['nix'], ['*', 'buildMachines'], ['environment', 'etc']]);
  it("covers a pattern's path and everything below it", function () {
    assert.equal(relevance(['nix']), 'all');
    assert.equal(relevance(['nix', 'linux-builder', 'enable']), 'all');
    assert.equal(relevance(['services', 'buildMachines', '*', 'sshKey']), 'all');
    assert.equal(relevance(['environment', 'etc', 'x']), 'all');
  });
  it('keeps the sets on the way to a pattern, and nothing else', function () {
    assert.equal(relevance([]), 'some');
    assert.equal(relevance(['environment']), 'some');
    assert.equal(relevance(['services']), 'some', '* matches any first name');
    assert.equal(relevance(['environment', 'systemPackages']), 'none');
    assert.equal(relevance(['services', 'openssh', 'enable']), 'none');
  });
});
