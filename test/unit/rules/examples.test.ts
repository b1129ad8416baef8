import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_IDS } from '../../../src/rules/registry.js';
import { examplesDir } from '../../util/paths.js';
import { findings } from '../../util/nixCheck.js';

function nixFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.nix'))
    .map((f) => join(dir, f));
}

describe('bundled examples', () => {
  // Every rule's own example is the "Wrong" block of its page (test/unit/rules/messageStyle.test.ts
  // fails on a rule no page example triggers), so a new rule needs no line here: these folders show
  // the tool at work on whole configurations.
  it('each broken example has errors or warnings the rules report', () => {
    for (const dir of ['corporate-mac', 'determinate-mac', 'hand-written-builders']) {
      const serious = nixFiles(join(examplesDir, dir))
        .flatMap((file) => findings(readFileSync(file, 'utf8')))
        .filter((f) => (f.severity === 'error' || f.severity === 'warning') && RULE_IDS.includes(f.code));
      assert.ok(serious.length > 0, `${dir}: nothing to show`);
    }
  });

  it('the healthy example has no error or warning', () => {
    for (const file of nixFiles(join(examplesDir, 'healthy-mac'))) {
      const serious = findings(readFileSync(file, 'utf8')).filter(
        (f) => f.severity === 'error' || f.severity === 'warning',
      );
      assert.deepEqual(
        serious.map((f) => `${f.code}: ${f.message}`),
        [],
        file,
      );
    }
  });
});
