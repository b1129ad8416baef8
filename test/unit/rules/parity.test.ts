import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { locate } from '../../../src/nix/locate.js';
import { parseNix } from '../../../src/nix/parse.js';
import { analyzeNix, configurationFacts } from '../../../src/rules/analyze.js';
import { FactsIndex } from '../../../src/rules/factsIndex.js';
import type { Span } from '../../../src/nix/model.js';
import { RULE_IDS, RULES } from '../../../src/rules/registry.js';
import { relevanceOf, type Elsewhere } from '../../../src/rules/rule.js';
import { corpus } from '../../util/corpus.js';
import { examplesDir, projectRoot } from '../../util/paths.js';

/**
 * Adding a rule is its file under src/rules/all/ (id, severity, the option paths it reads, its page,
 * its summary and `check`; the build lists the folder's files and writes the tables and the settings
 * enum that name it), its page under docs/rules/ and a test. This fails when a
 * declaration is missing or does not match what `check` does.
 */
/** The ```nix blocks of a page's section `## <heading>`. */
function nixBlocks(page: string, heading: string): string[] {
  const section = new RegExp(`^## ${heading}\\n([\\s\\S]*?)(?=^## |(?![\\s\\S]))`, 'm').exec(page)?.[1] ?? '';
  return [...section.matchAll(/```nix\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

describe('rule declarations and their parity', function () {
  this.timeout(60_000);
  const read = (path: string): string => readFileSync(join(projectRoot, path), 'utf8');
  const ruleTests = readdirSync(join(projectRoot, 'test/unit/rules'))
    .filter((f) => f.endsWith('.test.ts') && f !== 'parity.test.ts' && f !== 'examples.test.ts')
    .map((f) => read(`test/unit/rules/${f}`));
  const texts = corpus();
  // What the bundled examples define, as the rest of a configuration (a rule's findings may need
  // another module's definitions).
  const examples = new FactsIndex();
  for (const { name, text } of texts.filter((t) => t.name.startsWith(examplesDir)))
    examples.set(name, configurationFacts(text));
  const elsewhereOf = (name: string): Elsewhere => examples.elsewhereFor(name);

  it("check's shortcut, running a rule only where it anchors findings, changes no finding", function () {
    let findings = 0;
    for (const { name, text } of texts)
      for (const elsewhere of [undefined, elsewhereOf(name)]) {
        const all = analyzeNix(text, { elsewhere }).findings;
        assert.deepEqual(analyzeNix(text, { elsewhere, onlyAnchoredRules: true }).findings, all, name);
        findings += all.length;
      }
    assert.ok(findings > 100, `only ${findings} findings`);
  });

  it('every rule file under src/rules/all/ is registered, each id once', function () {
    const files = readdirSync(join(projectRoot, 'src/rules/all')).filter((f) => f.endsWith('.ts'));
    const declared = files.filter((f) => /export const \w+Rule: Rule = \{/.test(read(`src/rules/all/${f}`)));
    assert.equal(declared.length, RULES.length, `rule files: ${declared.join(', ')}`);
    assert.equal(new Set(RULE_IDS).size, RULE_IDS.length);
    for (const id of RULE_IDS) assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  for (const rule of RULES) {
    describe(rule.id, function () {
      it('has its page under docs/rules/ and a one-line summary for the generated tables', function () {
        assert.equal(rule.docs, `docs/rules/${rule.id}.md`, 'the server links docs/rules/<id>.md');
        assert.ok(existsSync(join(projectRoot, rule.docs)), `${rule.docs} is missing`);
        // Its rows in README.md and docs/rules/README.md come from this (test/unit/docs/generatedDocs.test.ts).
        assert.ok(rule.summary.trim() !== '' && !rule.summary.includes('\n'), 'summary: one line');
      });

      it('has an example on its page that it flags, and flags no "Right" one', function () {
        const page = read(rule.docs);
        const flagged = (text: string): boolean => analyzeNix(text).findings.some((f) => f.code === rule.id);
        const examples = [...nixBlocks(page, 'Wrong'), ...nixBlocks(page, 'Example')];
        assert.ok(examples.some(flagged), 'no ```nix block under "## Wrong" or "## Example" is flagged');
        for (const right of nixBlocks(page, 'Right'))
          assert.ok(!flagged(right), `flags its Right example:\n${right}`);
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

      it('anchors every finding at a definition of the file that its reads cover', function () {
        const covers = relevanceOf(rule.reads);
        const within = (inner: Span, outer: Span): boolean =>
          outer.from <= inner.from && inner.to <= outer.to;
        const page = read(rule.docs);
        const examples = [...nixBlocks(page, 'Wrong'), ...nixBlocks(page, 'Example')].map((text, i) => ({
          name: `${rule.docs} example ${i}`,
          text,
        }));
        let anchored = 0;
        for (const { name, text } of [...examples, ...texts]) {
          const located = locate(parseNix(text));
          for (const elsewhere of [undefined, elsewhereOf(name)]) {
            for (const f of rule.check({ text, located, elsewhere })) {
              const at = located.definitions.find(
                (d) =>
                  covers(d.path) === 'all' && (within(f.span, d.bindingSpan) || within(f.span, d.value.span)),
              );
              assert.ok(
                at,
                `${name}${elsewhere ? ' (with the examples elsewhere)' : ''}: "${f.message}" at ${f.span.from}`,
              );
              anchored++;
            }
          }
        }
        assert.ok(anchored > 0, 'no finding to look at');
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
