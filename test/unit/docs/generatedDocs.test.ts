import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedFiles } from '../../../src/cli/generatedDocs.js';
import { PROBES } from '../../../src/probes/registry.js';
import { RULE_IDS } from '../../../src/rules/registry.js';
import { projectRoot } from '../../util/paths.js';

/**
 * The rule and probe tables and package.json's rules.disabled enum are derived from the declarations
 * (src/cli/generatedDocs.ts), so adding a rule or a probe edits none of them by hand. scripts/build.mjs
 * rewrites them, except under CI, where this test is what catches a committed file that is stale.
 */
describe('files generated from the rule and probe declarations', function () {
  const read = (path: string): string => readFileSync(join(projectRoot, path), 'utf8');
  const files = generatedFiles(read);

  for (const { path, text } of files) {
    it(`${path} is what scripts/build.mjs generates (else: npm run build, and commit it)`, function () {
      assert.equal(read(path), text);
    });
  }

  it('lists every rule and probe, and offers every rule id in rules.disabled', function () {
    const byPath = new Map(files.map((f) => [f.path, f.text]));
    const readme = byPath.get('README.md') ?? '';
    const index = byPath.get('docs/rules/README.md') ?? '';
    for (const id of RULE_IDS) {
      assert.match(readme, new RegExp(`^\\| \`${id}\` \\|`, 'm'), `README.md: ${id}`);
      assert.match(index, new RegExp(`^\\| \\[${id}\\]\\(${id}\\.md\\) \\|`, 'm'), `index: ${id}`);
    }
    for (const probe of PROBES) assert.match(readme, new RegExp(`^\\| \`${probe.id}\` \\|`, 'm'), probe.id);
    const manifest = JSON.parse(byPath.get('package.json') ?? '{}') as {
      contributes: { configuration: { properties: Record<string, { items: { enum: string[] } }> } };
    };
    assert.deepEqual(
      manifest.contributes.configuration.properties['linuxBuilderDoctor.rules.disabled']?.items.enum,
      [...RULE_IDS],
    );
  });

  it('keeps what is around the generated parts, and fails when their markers are gone', function () {
    const readme = read('README.md');
    const generated = files.find((f) => f.path === 'README.md')?.text ?? '';
    assert.equal(generated.split('\n## ')[0], readme.split('\n## ')[0], 'the text before the tables');
    const withoutMarkers = readme.replace(/^<!-- END probe table -->$/m, '');
    assert.throws(
      () => generatedFiles((p) => (p === 'README.md' ? withoutMarkers : read(p))),
      /README\.md: the markers <!-- BEGIN probe table … --> and <!-- END probe table --> are missing/,
    );
  });
});
