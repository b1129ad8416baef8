/**
 * Inputs of extreme shape must not crash the analysis: a stack overflow left `check` with exit 2
 * and no findings and the language server with nothing to publish.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeNix } from '../../../src/rules/analyze.js';
import { distCli } from '../../util/paths.js';

describe('extreme inputs', function () {
  this.timeout(120_000);

  it('125,000 duplicate bindings: reported, not a stack overflow', () => {
    const text = `{\n${'  a = 1;\n'.repeat(125_000)}}\n`;
    const { findings } = analyzeNix(text);
    assert.ok(
      findings.length > 0 && findings.every((f) => f.code === 'syntax-error'),
      JSON.stringify(findings.slice(0, 2)),
    );
    assert.match(findings[0].message, /"a" is already defined on line 2/);
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
