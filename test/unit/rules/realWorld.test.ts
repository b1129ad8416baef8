/**
 * Real-world-shaped configurations (test/fixtures/realWorld): every planted problem is marked on its
 * line with `# expect: <rule>[, <rule>]`. Exactly those errors and warnings must be found, on those
 * lines, and every fix must parse and clear its finding. `valid-*.nix` files plant nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '../../util/paths.js';
import { applyFix, findings, fixParseError } from '../../util/nixCheck.js';

const dir = join(fixturesDir, 'realWorld');

function planted(text: string): string[] {
  return text
    .split('\n')
    .flatMap((line, i) => {
      const match = /# expect: ([a-z0-9, -]+)$/.exec(line);
      return match?.[1] !== undefined ? match[1].split(',').map((code) => `${i + 1} ${code.trim()}`) : [];
    })
    .sort();
}

describe('real-world-shaped configurations', () => {
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.nix'))
    .sort()) {
    it(`${name}: finds exactly the planted problems on their lines, and every fix works`, () => {
      const text = readFileSync(join(dir, name), 'utf8');
      const all = findings(text);
      const serious = all.filter((f) => f.severity === 'error' || f.severity === 'warning');
      assert.deepEqual(serious.map((f) => `${f.range.start.line + 1} ${f.code}`).sort(), planted(text));
      if (name.startsWith('valid-')) assert.equal(serious.length, 0);
      for (const finding of all) {
        for (const fix of finding.fixes) {
          const fixed = applyFix(text, fix);
          assert.equal(fixParseError(fixed), null, `${name}: fix "${fix.title}" does not parse:\n${fixed}`);
          const left = findings(fixed).filter((f) => f.code === finding.code).length;
          assert.equal(
            left,
            all.filter((f) => f.code === finding.code).length - 1,
            `${name}: fix "${fix.title}" did not clear its ${finding.code}`,
          );
        }
      }
    });
  }
});
