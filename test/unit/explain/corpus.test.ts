/**
 * `explain` on real error texts from public issue threads (test/fixtures/errorTexts/: the source URL
 * on line 1, the cause the text must get on line 2): every expected cause is named, no other cause
 * is, and texts that are not about the builder get "not recognised".
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAUSE_IDS } from '../../../src/protocol/probes.js';
import { explainText } from '../../../src/probes/explain/engine.js';
import { fixturesDir } from '../../util/paths.js';

const dir = join(fixturesDir, 'errorTexts');

interface Sample {
  name: string;
  source: string;
  expect: string;
  text: string;
}

function samples(): Sample[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((name) => {
      const raw = readFileSync(join(dir, name), 'utf8');
      const [first = '', second = '', ...rest] = raw.split('\n');
      return {
        name,
        source: first.replace(/^# source: /, ''),
        expect: second.replace(/^# expect: /, ''),
        text: rest.join('\n'),
      };
    });
}

describe('explain: the corpus of real error texts', function () {
  const all = samples();

  it('holds at least 45 real texts, each with its source and a known expected cause', function () {
    assert.ok(all.length >= 45, `${all.length} texts`);
    for (const s of all) {
      assert.match(
        s.source,
        /^https:\/\/github\.com\/[^/]+\/[^/]+\/(issues|pull)\/\d+$/,
        `${s.name}: source`,
      );
      assert.ok(
        s.expect === 'not-recognised' || (CAUSE_IDS as readonly string[]).includes(s.expect),
        `${s.name}: expect ${s.expect}`,
      );
    }
    assert.ok(
      all.filter((s) => s.expect === 'not-recognised').length >= 10,
      'unrelated texts are part of the corpus',
    );
  });

  for (const s of all) {
    it(`${s.name}: ${s.expect}`, function () {
      const { problems } = explainText(s.text);
      const causes = problems.map((p) => p.cause);
      if (s.expect === 'not-recognised') {
        assert.deepEqual(causes, [], `${s.source} must not be recognised`);
        return;
      }
      assert.deepEqual(causes, [s.expect], `${s.source}`);
      const problem = problems[0];
      assert.ok(problem);
      assert.ok(
        problem.evidence.length > 0 && problem.evidence.every((line) => s.text.includes(line)),
        'evidence lines are quoted from the text',
      );
      assert.ok(problem.fix && problem.fix.summary.length > 20, 'a fix');
    });
  }
});
