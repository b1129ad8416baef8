/**
 * Inputs of extreme shape must neither crash nor hang the analysis, nor be misread
 * (docs/dev/security.md#nothing-hangs-or-crashes-on-hostile-nix). A stack overflow left `check`
 * with exit 2 and no findings and the language server with nothing to publish; the tokenizers
 * rescanned runs of path and URI characters from every position (50,000 dotted components took
 * over a minute); nesting deeper than Lezer follows gave false syntax errors. Time budgets are
 * generous (a loaded 2-core machine): each shape took the old code far longer (figures: npm run
 * bench).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locate } from '../../../src/nix/locate.js';
import { BeyondParserLimits, parseNix } from '../../../src/nix/parse.js';
import { syntaxProblems } from '../../../src/nix/syntaxProblems.js';
import { analysisFailed, analyzeNix } from '../../../src/rules/analyze.js';
import { distCli } from '../../util/paths.js';
import { hostileShapes } from '../../util/hostileShapes.js';

/** Runs `f`, failing when it takes longer than `budgetMs`. */
function within<T>(budgetMs: number, what: string, f: () => T): T {
  const start = performance.now();
  const result = f();
  const ms = performance.now() - start;
  assert.ok(ms < budgetMs, `${what} took ${Math.round(ms)} ms (budget ${budgetMs} ms)`);
  return result;
}

/** The error a parse throws, or undefined. */
function parseError(text: string): unknown {
  try {
    parseNix(text);
    return undefined;
  } catch (error) {
    return error;
  }
}
import { itemAt } from '../../util/itemAt.js';

describe('extreme inputs', function () {
  this.timeout(120_000);

  it('125,000 duplicate bindings: reported, not a stack overflow', () => {
    const text = `{\n${'  a = 1;\n'.repeat(125_000)}}\n`;
    const { findings } = analyzeNix(text);
    assert.ok(
      findings.length > 0 && findings.every((f) => f.code === 'syntax-error'),
      JSON.stringify(findings.slice(0, 2)),
    );
    assert.match(itemAt(findings, 0).message, /"a" is already defined on line 2/);
  });

  it('200,000 dotted components (`x.a.a.a…`): linear, read as one select without errors', () => {
    // Quadratic before: 10,000 components took 10 s, so 200,000 would take over an hour.
    const text = hostileShapes.dottedSelect(200_000);
    const parsed = within(30_000, 'parse', () => parseNix(text));
    assert.equal(parsed.hasErrors, false);
    const path = parsed.tree.topNode.getChild('Lambda')?.getChild('Select')?.getChild('AttrPath');
    assert.equal(path?.getChildren('AttrName').length, 200_000);
  });

  it('a path and a URI after 100,000 dotted characters: one token each (the cached scan ends right)', () => {
    const parsed = within(30_000, 'parse', () => parseNix(hostileShapes.dottedTokens(200_000)));
    assert.equal(parsed.hasErrors, false);
    const names = parsed.tree.topNode.getChild('List')?.getChildren('Path').length;
    assert.equal(names, 1);
    assert.equal(parsed.tree.topNode.getChild('List')?.getChildren('Uri').length, 1);
  });

  for (const [shape, limit] of [
    ['negations', 'nesting'],
    ['parentheses', 'nesting'],
    ['concatenations', 'nesting'],
    ['nestedSets', 'nesting'],
    ['additions', 'chain'],
  ] as const) {
    it(`200,000 ${shape}: stopped quickly as beyond the parser's limits (${limit}), not misread`, () => {
      // Before: thousands of false syntax errors after seconds to minutes (the `-` run was also
      // rescanned by the path tokenizer from every position).
      const text = hostileShapes[shape](200_000);
      const error = within(20_000, 'parse', () => parseError(text));
      assert.ok(error instanceof BeyondParserLimits, String(error));
      assert.equal(error.limit, limit);
      const finding = analysisFailed(error);
      assert.equal(finding.code, 'analysis-failed');
      assert.match(
        finding.message,
        limit === 'nesting'
          ? /^Nothing in this file was checked: it is nested deeper than the parser follows\.$/
          : /^Nothing in this file was checked: one expression in it is longer than the parser follows\.$/,
      );
      assert.match(finding.detail ?? '', /^The parser stopped because .* near line 1\b/);
    });
  }

  it('a long chain after a syntax error: the syntax error is reported, not the chain', () => {
    // A broken file: an unclosed string turned a shell script into code (one long call), as the
    // fuzz suite found. Its first syntax error is what the user needs.
    const chain = `f${' a'.repeat(3000)}`;
    assert.ok(parseError(`{ b = ${chain}; }`) instanceof BeyondParserLimits);
    const problems = syntaxProblems(parseNix(`{ a = ; b = ${chain}; }`));
    assert.ok(problems.length > 0);
    assert.equal(problems[0]?.span.from, 6);
  });

  it('nesting the parser follows still parses exactly, without false errors', () => {
    for (const [shape, n] of [
      ['parentheses', 2_700],
      ['negations', 2_700],
      ['concatenations', 600],
      ['additions', 280],
      ['nestedSets', 900],
    ] as const) {
      const parsed = parseNix(hostileShapes[shape](n));
      assert.deepEqual(syntaxProblems(parsed), [], `${shape} × ${n}`);
      // Every walk of the analysis (syntax problems, locate, the rules, hover's full locate) copes
      // with the deepest tree the parser builds: the stack does not overflow.
      const analysis = analyzeNix(hostileShapes[shape](n));
      assert.deepEqual(analysis.findings, [], `${shape} × ${n}`);
      assert.ok(Array.isArray(locate(analysis.parsed).definitions));
    }
  });

  it("an option's value inside 2,700 parentheses is looked through without a stack overflow", () => {
    // unwrapValue looked through each parenthesis with one recursive call: the server fuzz test
    // (seed 1505543665) overflowed the stack in hover and analysis.
    const depth = 2_700;
    const text = `{ nix.linux-builder.enable = ${'('.repeat(depth)}true${')'.repeat(depth)}; }\n`;
    assert.deepEqual(syntaxProblems(parseNix(text)), []);
    const analysis = analyzeNix(text);
    assert.ok(
      locate(analysis.parsed).definitions.some((d) => d.path.join('.') === 'nix.linux-builder.enable'),
      'the definition is located',
    );
  });

  it('check gives a file nested 100,000 deep its one finding and exits 1, and checks the others', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbd-deep-'));
    try {
      const deep = join(dir, 'deep.nix');
      writeFileSync(deep, hostileShapes.parentheses(100_000));
      const ok = join(dir, 'ok.nix');
      writeFileSync(ok, '{ nix.linux-builder.enable = true; }\n');
      const run = spawnSync(process.execPath, [distCli, 'check', '--format', 'json', deep, ok], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(run.error, undefined);
      assert.equal(run.status, 1, run.stderr);
      const findings = JSON.parse(run.stdout) as { file: string; code: string }[];
      const inDeep = findings.filter((f) => f.file.endsWith('deep.nix'));
      assert.deepEqual(
        inDeep.map((f) => f.code),
        ['analysis-failed'],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('check on a FIFO named as an argument skips it with a message instead of blocking', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbd-fifo-'));
    try {
      const fifo = join(dir, 'pipe.nix');
      assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
      const ok = join(dir, 'ok.nix');
      writeFileSync(ok, '{ }\n');
      const run = spawnSync(process.execPath, [distCli, 'check', fifo, ok], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      assert.equal(run.error, undefined, 'check blocked on the FIFO');
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stderr, /skipped .*pipe\.nix: not a regular file/);
      assert.match(run.stdout, /1 file checked/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
