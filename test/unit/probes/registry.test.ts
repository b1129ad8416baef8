import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROBE_IDS } from '../../../src/protocol/probes.js';
import { PROBES } from '../../../src/probes/registry.js';
import { projectRoot } from '../../util/paths.js';

/**
 * Adding a probe is one file under src/probes/checks/ (its id, title, requires/after and run in one
 * declaration; the build lists the folder's files) and its id in PROBE_IDS (the public contract the JSON
 * output and the extension share), one row in the README's probe table, and a test. This fails
 * when one of those is missing.
 */
describe('probe registry parity', function () {
  // Tests that use real ids for fake probes or list them do not count as testing a probe.
  const notTests = new Set(['test/unit/probes/registry.test.ts', 'test/unit/probes/engineFakes.test.ts']);
  const testTexts = readdirSync(join(projectRoot, 'test'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts') && !f.startsWith('fixtures') && !notTests.has(`test/${f}`))
    .map((f) => readFileSync(join(projectRoot, 'test', f), 'utf8'));
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');

  it('registers every probe id of the protocol once, in the chain order results are shown in', function () {
    assert.deepEqual(
      PROBES.map((p) => p.id),
      [...PROBE_IDS],
    );
  });

  it('every probe file under src/probes/checks/ is registered', function () {
    const files = readdirSync(join(projectRoot, 'src/probes/checks')).filter(
      (f) => f.endsWith('.ts') && f !== 'common.ts',
    );
    const declared = files.filter((f) =>
      /export const \w+Probe: ProbeDefinition/.test(
        readFileSync(join(projectRoot, 'src/probes/checks', f), 'utf8'),
      ),
    );
    assert.deepEqual(declared.length, PROBES.length, `probe files: ${declared.join(', ')}`);
  });

  for (const probe of PROBES) {
    it(`${probe.id}: has a title, a row in the README's probe table and a test that names it`, function () {
      assert.ok(probe.title.trim() !== '');
      assert.match(
        readme,
        new RegExp(`^\\| \`${probe.id}\` \\|`, 'm'),
        `README.md: add a row for ${probe.id} to the probe table`,
      );
      const quoted = new RegExp(`['"\`]${probe.id}['"\`]`);
      assert.ok(
        testTexts.some((t) => quoted.test(t)),
        `no test under ${relative(projectRoot, join(projectRoot, 'test'))}/ names '${probe.id}'`,
      );
    });
  }
});
