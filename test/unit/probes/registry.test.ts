import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROBE_IDS } from '../../../src/protocol/probes.js';
import { PROBES } from '../../../src/probes/registry.js';
import { projectRoot } from '../../util/paths.js';

/**
 * Adding a probe is one file under src/probes/checks/ (its id, title, requires/after and run in one
 * declaration, with what it checks and its typical verdicts, from which the build writes its README
 * row; the build lists the folder's files) and its id in PROBE_IDS (the public contract the JSON
 * output and the extension share), and a test. This fails
 * when one of those is missing.
 */
describe('probe registry parity', function () {
  // Tests that use real ids for fake probes or list them do not count as testing a probe.
  const notTests = new Set(['test/unit/probes/registry.test.ts', 'test/unit/probes/engineFakes.test.ts']);
  const testTexts = readdirSync(join(projectRoot, 'test'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts') && !f.startsWith('fixtures') && !notTests.has(`test/${f}`))
    .map((f) => readFileSync(join(projectRoot, 'test', f), 'utf8'));

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
    it(`${probe.id}: has a title, its README row's text and a test that names it`, function () {
      assert.ok(probe.title.trim() !== '');
      // Its README row is generated from these (test/unit/docs/generatedDocs.test.ts).
      assert.ok(probe.checks.trim() !== '' && probe.verdicts.trim() !== '', 'checks and verdicts');
      const quoted = new RegExp(`['"\`]${probe.id}['"\`]`);
      assert.ok(
        testTexts.some((t) => quoted.test(t)),
        `no test under ${relative(projectRoot, join(projectRoot, 'test'))}/ names '${probe.id}'`,
      );
    });
  }
});
