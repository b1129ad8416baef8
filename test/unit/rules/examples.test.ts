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
  it('the broken examples trigger every rule except syntax-error and analysis-failed', () => {
    const seen = new Set<string>();
    for (const file of ['corporate-mac', 'determinate-mac', 'hand-written-builders'].flatMap((dir) =>
      nixFiles(join(examplesDir, dir)),
    )) {
      for (const f of findings(readFileSync(file, 'utf8'))) seen.add(f.code);
    }
    const missing = RULE_IDS.filter(
      (id) => id !== 'syntax-error' && id !== 'analysis-failed' && !seen.has(id),
    );
    assert.deepEqual(missing, []);
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
