/**
 * "Fix all" (rules/fixAll.ts), shared by source.fixAll and `check --fix`: the preferred fixes that are
 * safe together, applied once, the result valid Nix, and a second run changing nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, Fix } from '../../../src/protocol/findings.js';
import { analyzeNix } from '../../../src/rules/analyze.js';
import { fixAll, fixAllPass, singleEdit } from '../../../src/rules/fixAll.js';
import { examplesDir, fixturesDir } from '../../util/paths.js';
import { fixParseError } from '../../util/nixCheck.js';

const analyze = (text: string): Finding[] => analyzeNix(text).findings;

/** A finding at line 0 with one fix replacing [from, to) of line `line` by `newText`. */
function finding(
  code: string,
  line: number,
  from: number,
  to: number,
  newText: string,
  isPreferred = true,
): Finding {
  const fix: Fix = {
    title: `fix ${code}`,
    isPreferred,
    edits: [{ range: { start: { line, character: from }, end: { line, character: to } }, newText }],
  };
  return {
    range: { start: { line, character: from }, end: { line, character: to } },
    severity: 'error',
    code,
    message: code,
    fixes: [fix],
  };
}

describe('fix all', function () {
  const text = '{\n  a = 1;\n  b = 2;\n}\n';

  it('applies every preferred fix that does not meet another, in one text', function () {
    const pass = fixAllPass(text, [
      finding('one', 1, 6, 7, '10'),
      finding('two', 2, 6, 7, '20'),
      finding('other', 2, 2, 3, 'c', false),
    ]);
    assert.equal(pass.text, '{\n  a = 10;\n  b = 20;\n}\n');
    assert.deepEqual(
      pass.applied.map((a) => a.finding.code),
      ['one', 'two'],
    );
    assert.equal(pass.edits.length, 2);
  });

  it('holds back a fix whose edit overlaps or touches one already taken', function () {
    const pass = fixAllPass(text, [finding('one', 1, 2, 7, 'x = 5'), finding('two', 1, 6, 7, '9')]);
    assert.equal(pass.text, '{\n  x = 5;\n  b = 2;\n}\n');
    assert.deepEqual(
      pass.held.map((h) => [h.finding.code, h.reason]),
      [['two', 'overlap']],
    );
    const touching = fixAllPass(text, [finding('one', 1, 2, 3, 'x'), finding('two', 1, 3, 3, 'y')]);
    assert.deepEqual(
      touching.held.map((h) => h.reason),
      ['overlap'],
    );
  });

  it('holds back a fix that breaks the parse together with the others, and still applies the rest', function () {
    const pass = fixAllPass(text, [finding('breaks', 1, 6, 7, '(1'), finding('fine', 2, 6, 7, '3')]);
    assert.equal(pass.text, '{\n  a = 1;\n  b = 3;\n}\n');
    assert.deepEqual(
      pass.held.map((h) => [h.finding.code, h.reason]),
      [['breaks', 'does-not-parse']],
    );
  });

  it('applies the same change offered by two findings once', function () {
    const pass = fixAllPass(text, [finding('one', 1, 6, 7, '5'), finding('two', 1, 6, 7, '5')]);
    assert.equal(pass.text, '{\n  a = 5;\n  b = 2;\n}\n');
    assert.equal(pass.applied.length, 2);
  });

  it('leaves a file with a syntax error alone', function () {
    const broken = '{\n  a = 1;\n  b = 2\n}\n';
    const pass = fixAllPass(broken, [finding('one', 1, 6, 7, '5')]);
    assert.equal(pass.text, broken);
    assert.deepEqual(
      pass.held.map((h) => h.reason),
      ['syntax-error'],
    );
  });

  it('gives one edit between the common prefix and suffix, never inside a CRLF or a surrogate pair', function () {
    assert.deepEqual(singleEdit('{ a = 1; }', '{ a = 2; }'), {
      range: { start: { line: 0, character: 6 }, end: { line: 0, character: 7 } },
      newText: '2',
    });
    assert.equal(singleEdit('x', 'x'), undefined);
    const crlf = singleEdit('a\r\nb', 'a\nb');
    assert.ok(crlf);
    assert.deepEqual(crlf.range.start, { line: 0, character: 1 });
    const astral = singleEdit('"\u{1F600}"', '"\u{1F601}"');
    assert.ok(astral);
    assert.equal(astral.range.start.character, 1);
    assert.equal(astral.newText, '\u{1F601}');
  });

  const files = [
    ...readdirSync(examplesDir, { recursive: true }).map((f) => join(examplesDir, String(f))),
    ...['bugReports', 'realWorld'].flatMap((d) =>
      readdirSync(join(fixturesDir, d)).map((f) => join(fixturesDir, d, f)),
    ),
  ]
    .filter((f) => f.endsWith('.nix'))
    .sort();

  it('on every example and bug report: the result is valid Nix, and a second run changes nothing', function () {
    this.timeout(120_000);
    let fixedFiles = 0;
    const problems: string[] = [];
    for (const file of files) {
      const original = readFileSync(file, 'utf8');
      const result = fixAll(original, analyze(original), analyze);
      if (result.text === original) continue;
      fixedFiles++;
      const parseError = fixParseError(result.text);
      if (parseError !== null) problems.push(`${file}: does not parse: ${parseError}`);
      const again = fixAll(result.text, analyze(result.text), analyze);
      if (again.text !== result.text) problems.push(`${file}: a second run changed it again`);
      // Every applied fix removed its finding (none of its rule is left with a preferred fix).
      const left = analyze(result.text).filter((f) => f.fixes.some((x) => x.isPreferred));
      for (const f of left)
        if (!result.held.some((h) => h.finding.code === f.code)) problems.push(`${file}: ${f.code} left`);
    }
    assert.deepEqual(problems, []);
    assert.ok(fixedFiles >= 10, `only ${fixedFiles} files had fixes`);
  });
});
