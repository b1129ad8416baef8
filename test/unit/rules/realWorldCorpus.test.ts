/**
 * The real-world corpus (test/fixtures/realWorldCorpus, issue 12): nix-darwin files from public
 * repositories, every finding of the checker judged by hand in judged.json (true or false, and why),
 * plus the real mistakes the checker misses. Each repository's files are checked together as one
 * configuration, as `check` does when given them, and each file alone too: a finding in either view
 * must be in the table; what is judged true must be found in the configuration view.
 *
 * Main stays green while the rules are being fixed: the findings judged false that are still
 * reported, and the misses still missed, are listed in knownWrong.json, and the test insists they are
 * STILL wrong. Fixing one makes this test fail until its entry leaves knownWrong.json, so progress is
 * recorded, and nothing judged true can silently disappear.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Finding } from '../../../src/protocol/findings.js';
import { checkFiles } from '../../../src/workspace/checkFiles.js';
import { nodeFs } from '../../../src/workspace/fileSystem.js';
import { fixturesDir } from '../../util/paths.js';

const dir = join(fixturesDir, 'realWorldCorpus');

interface JudgedFinding {
  file: string;
  line: number;
  rule: string;
  severity: string;
  verdict: boolean;
  why: string;
}
interface Miss {
  file: string;
  line: number;
  rule: string;
  severity: string;
  why: string;
}
interface KnownWrong {
  falseFindings: string[];
  missing: string[];
}

const judged = JSON.parse(readFileSync(join(dir, 'judged.json'), 'utf8')) as {
  findings: JudgedFinding[];
  misses: Miss[];
};
const knownWrong = JSON.parse(readFileSync(join(dir, 'knownWrong.json'), 'utf8')) as KnownWrong;
const key = (f: { file: string; line: number; rule: string }): string => `${f.file}:${f.line}:${f.rule}`;

/** `<owner>__<repo>__<path>.nix` → `<owner>__<repo>`. */
function repoOf(file: string): string {
  return file.split('__').slice(0, 2).join('__');
}

/**
 * Every finding on the corpus, keyed file:line:rule: each repository's files are checked by the code
 * behind `check`, in one call per repository, so they form one configuration (as when `check` is given
 * them); with `alone`, each file is checked by itself (as when `check` is given one file).
 */
function analyseCorpus(alone = false): Map<string, Finding & { file: string }> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.nix'))
    .sort();
  const found = new Map<string, Finding & { file: string }>();
  const groups = alone
    ? files.map((f) => [f])
    : [...new Set(files.map(repoOf))].map((repo) => files.filter((f) => repoOf(f) === repo));
  for (const group of groups) {
    const members = group.map((f) => join(dir, f));
    const { checked, skipped } = checkFiles(members, nodeFs, {
      onRuleError: (file, rule, error) => {
        throw new Error(`rule ${rule} threw on ${file}: ${String(error)}`);
      },
    });
    assert.deepEqual(skipped, []);
    for (const finding of checked.flatMap((c) => c.findings)) {
      const file = basename(finding.file ?? '');
      const k = key({ file, line: finding.range.start.line + 1, rule: finding.code });
      if (!found.has(k)) found.set(k, { ...finding, file });
    }
  }
  return found;
}

describe('real-world corpus: every finding judged by hand (test/fixtures/realWorldCorpus)', () => {
  /** What each repository's files give together (the configuration), and that plus what each file gives alone. */
  let found: Map<string, Finding & { file: string }>;
  let reported: Map<string, Finding & { file: string }>;
  const table = new Map(judged.findings.map((j) => [key(j), j]));
  before(function () {
    this.timeout(60_000);
    found = analyseCorpus();
    reported = new Map([...analyseCorpus(true), ...found]);
  });

  it('holds at least 60 files from 30 repositories, each naming its source at a commit', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.nix'));
    assert.ok(files.length >= 60, `${files.length} files`);
    assert.ok(new Set(files.map(repoOf)).size >= 30, `${new Set(files.map(repoOf)).size} repositories`);
    const manifest = readFileSync(join(dir, 'MANIFEST.md'), 'utf8');
    for (const file of files) {
      const first = readFileSync(join(dir, file), 'utf8').split('\n', 1)[0] ?? '';
      assert.match(
        first,
        /^# source: https:\/\/github\.com\/[^/]+\/[^/]+\/blob\/[0-9a-f]{40}\/\S+ \(licence: [^;]+; (whole|reduced)\)$/,
        file,
      );
      assert.ok(manifest.includes(`| ${file} |`), `${file} is missing from MANIFEST.md`);
    }
  });

  it('reports no finding the table does not list, with the repository or the file alone (judge a new one first)', () => {
    const unjudged = [...reported.values()]
      .filter((f) => !table.has(key({ file: f.file, line: f.range.start.line + 1, rule: f.code })))
      .map(
        (f) =>
          `${key({ file: f.file, line: f.range.start.line + 1, rule: f.code })} (${f.severity}): ${f.message}`,
      );
    assert.deepEqual(unjudged, [], 'judge these in judged.json');
  });

  it('reports no finding the table calls false, except those listed in knownWrong.json', () => {
    const wrong = judged.findings
      .filter((j) => !j.verdict && reported.has(key(j)))
      .map(key)
      .filter((k) => !knownWrong.falseFindings.includes(k));
    assert.deepEqual(wrong, []);
  });

  it('still reports every finding the table calls true, with the judged severity', () => {
    const lost = judged.findings
      .filter((j) => j.verdict && (!found.has(key(j)) || found.get(key(j))!.severity !== j.severity))
      .map((j) => `${key(j)} (${j.severity}, now ${found.get(key(j))?.severity ?? 'not reported'})`);
    assert.deepEqual(lost, []);
  });

  it('reports every recorded miss, except those listed in knownWrong.json', () => {
    const missed = judged.misses
      .filter((m) => !found.has(key(m)))
      .map(key)
      .filter((k) => !knownWrong.missing.includes(k));
    assert.deepEqual(missed, []);
  });

  it('lists in knownWrong.json only cases that are still wrong (move a fixed one into the table as right)', () => {
    const falseKeys = new Set(judged.findings.filter((j) => !j.verdict).map(key));
    const fixedFalse = knownWrong.falseFindings.filter((k) => !falseKeys.has(k) || !reported.has(k));
    const missKeys = new Set(judged.misses.map(key));
    const nowFound = knownWrong.missing.filter((k) => !missKeys.has(k) || found.has(k));
    assert.deepEqual({ fixedFalse, nowFound }, { fixedFalse: [], nowFound: [] });
  });

  it('JUDGED.md shows every row of judged.json', () => {
    const page = readFileSync(join(dir, 'JUDGED.md'), 'utf8');
    const absent = [...judged.findings, ...judged.misses]
      .filter((j) => !page.includes(`| ${j.file} | ${j.line} | ${j.rule} |`))
      .map(key);
    assert.deepEqual(absent, []);
  });

  it('prints the precision of errors and warnings on the corpus', () => {
    const serious = [...found.values()].filter((f) => f.severity === 'error' || f.severity === 'warning');
    const right = serious.filter(
      (f) => table.get(key({ file: f.file, line: f.range.start.line + 1, rule: f.code }))?.verdict === true,
    );
    const percent = serious.length === 0 ? 100 : (100 * right.length) / serious.length;
    console.log(
      `      precision of errors and warnings: ${right.length}/${serious.length} (${percent.toFixed(1)} %); ` +
        `known wrong: ${knownWrong.falseFindings.length} false findings, ${knownWrong.missing.length} misses`,
    );
    assert.equal(
      right.length +
        serious.filter((f) =>
          knownWrong.falseFindings.includes(
            key({ file: f.file, line: f.range.start.line + 1, rule: f.code }),
          ),
        ).length,
      serious.length,
    );
  });
});
