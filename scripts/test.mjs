// Runs every test suite, each in its own process, and closes with the one line CI reads:
// "N passed, N failed, N skipped". Usage: node scripts/test.mjs [suite...]
// A suite whose prerequisites are missing fails under CI=true (test/util/prerequisites.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mochaBin = join(root, 'node_modules/mocha/bin/mocha.js');

/** Mocha suites by folder, cheapest first; `vscode` drives a real VS Code and has its own runner. */
const suites = {
  unit: { dir: 'out/test/unit', timeout: 20_000 },
  server: { dir: 'out/test/server', timeout: 30_000 },
  neovim: { dir: 'out/test/neovim', timeout: 60_000 },
  loopback: { dir: 'out/test/loopback', timeout: 120_000 },
  vscode: { runner: 'out/test/vscode/run.js' },
};

function testFiles(dir) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true })
    .filter((f) => String(f).endsWith('.test.js'))
    .map((f) => relative(root, join(abs, String(f))))
    .sort();
}

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in suites)) {
    console.error(`unknown suite: ${name} (known: ${Object.keys(suites).join(', ')})`);
    process.exit(2);
  }
}
const selected = wanted.length ? wanted : Object.keys(suites);
const totals = { passed: 0, failed: 0, skipped: 0 };
const scratch = mkdtempSync(join(tmpdir(), 'lbd-test-'));

for (const name of selected) {
  const suite = suites[name];
  const statsFile = join(scratch, `${name}.json`);
  let argv;
  if (suite.runner) {
    if (!existsSync(join(root, suite.runner))) {
      console.error(`\n# ${name}: runner ${suite.runner} missing`);
      totals.failed++;
      continue;
    }
    argv = [join(root, suite.runner)];
  } else {
    const files = testFiles(suite.dir);
    if (files.length === 0) {
      console.error(`\n# ${name}: no test files yet`);
      continue;
    }
    argv = [
      mochaBin,
      '--reporter',
      join(root, 'scripts/countingReporter.cjs'),
      '--timeout',
      String(suite.timeout),
      ...files,
    ];
  }
  console.log(`\n# suite: ${name}`);
  const run = spawnSync(process.execPath, argv, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, LBD_TEST_STATS: statsFile },
  });
  if (existsSync(statsFile)) {
    const stats = JSON.parse(readFileSync(statsFile, 'utf8'));
    totals.passed += stats.passed;
    totals.failed += stats.failed;
    totals.skipped += stats.skipped;
    if (run.status !== 0 && stats.failed === 0) {
      console.error(`# ${name}: exited ${run.status} without a failed test`);
      totals.failed++;
    }
  } else {
    console.error(`# ${name}: exited ${run.status ?? run.signal} before reporting results`);
    totals.failed++;
  }
}
rmSync(scratch, { recursive: true, force: true });
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
