/**
 * Configurations reconstructed from real bug reports and threads (test/fixtures/bugReports, issue 12):
 * line 1 names the thread, and the line holding the reported mistake ends in `# expect: <rule>[, <rule>]`
 * (the convention of test/fixtures/realWorld). Files without a marker are configurations from threads
 * that hold no mistake: nothing serious may be reported on them.
 *
 * Compared: the planted markers, against the errors and warnings plus any finding of a rule a marker
 * names (so information-level rules can be planted too). Cases the rules do not get right yet are
 * listed in knownWrong.json and must STILL be wrong, so main stays green and a fix forces the entry out.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findings } from '../../util/nixCheck.js';
import { fixturesDir } from '../../util/paths.js';

const dir = join(fixturesDir, 'bugReports');
const knownWrong = JSON.parse(readFileSync(join(dir, 'knownWrong.json'), 'utf8')) as {
  missing: string[];
  unexpected: string[];
};

function planted(text: string): Set<string> {
  return new Set(
    text.split('\n').flatMap((line, i) => {
      const match = /# expect: ([a-z0-9, -]+)$/.exec(line);
      return match?.[1] !== undefined ? match[1].split(',').map((code) => `${i + 1}:${code.trim()}`) : [];
    }),
  );
}

describe('configurations from real bug reports (test/fixtures/bugReports)', () => {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.nix'))
    .sort();

  it('holds at least 20 cases, each naming its thread on line 1', () => {
    assert.ok(files.length >= 20, `${files.length} cases`);
    for (const file of files)
      assert.match(
        readFileSync(join(dir, file), 'utf8').split('\n', 1)[0] ?? '',
        /^# source: https:\/\/\S+$/,
        file,
      );
  });

  for (const file of files) {
    it(`${file}: flags the reported mistake on its line, and nothing else serious`, () => {
      const text = readFileSync(join(dir, file), 'utf8');
      const expected = planted(text);
      const plantedRules = new Set([...expected].map((e) => e.split(':')[1]));
      const reported = new Set(
        findings(text)
          .filter((f) => f.severity === 'error' || f.severity === 'warning' || plantedRules.has(f.code))
          .map((f) => `${f.range.start.line + 1}:${f.code}`),
      );
      const missing = [...expected]
        .filter((e) => !reported.has(e))
        .map((e) => `${file}:${e}`)
        .sort();
      const unexpected = [...reported]
        .filter((r) => !expected.has(r))
        .map((r) => `${file}:${r}`)
        .sort();
      const known = (list: string[]) => list.filter((k) => k.startsWith(`${file}:`)).sort();
      assert.deepEqual(
        { missing, unexpected },
        { missing: known(knownWrong.missing), unexpected: known(knownWrong.unexpected) },
        'a case listed in knownWrong.json must still be wrong, and nothing else may be',
      );
    });
  }

  it('lists in knownWrong.json only existing cases', () => {
    const stray = [...knownWrong.missing, ...knownWrong.unexpected].filter(
      (k) => !files.includes(k.split(':')[0] ?? ''),
    );
    assert.deepEqual(stray, []);
  });
});
