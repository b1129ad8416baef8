/**
 * A parallel `check` (parallelCheck.ts) gives exactly what checkFiles gives in one thread: same
 * files in the same order, same findings, related information in files another thread parsed,
 * per-host findings, unreadable files and files beyond the parser's limits.
 */
import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFiles } from '../../../src/workspace/checkFiles.js';
import { nodeFs } from '../../../src/workspace/fileSystem.js';
import { nixFilesUnder } from '../../../src/workspace/nixFiles.js';
import {
  checkFilesInParallel,
  PARALLEL_MIN_FILES,
  threadsFor,
} from '../../../src/workspace/parallelCheck.js';
import { generateDarwinConfig } from '../../util/generateConfig.js';
import { fixturesDir } from '../../util/paths.js';

describe('workspace: check in parallel', function () {
  this.timeout(60_000);
  let dir: string;
  let files: string[];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbd-parallel-'));
    // A folder of modules that see each other (one enables the builder, another disables Nix:
    // findings with related information in the other file, which another thread parses) …
    const flat = join(dir, 'flat');
    mkdirSync(flat);
    writeFileSync(join(flat, 'builder.nix'), '{\n  nix.linux-builder.enable = true;\n}\n');
    for (let i = 0; i < 40; i++) writeFileSync(join(flat, `m${i}.nix`), generateDarwinConfig(40, i + 1));
    writeFileSync(join(flat, 'nix.nix'), '{\n  # Determinate\n  nix.enable = false;\n}\n');
    // … a file with a syntax error, one beyond the parser's limits, one that cannot be read …
    writeFileSync(join(flat, 'broken.nix'), '{ nix.linux-builder.enable = true\n');
    writeFileSync(join(flat, 'deep.nix'), `${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    writeFileSync(join(flat, 'secret.nix'), '{ }\n');
    chmodSync(join(flat, 'secret.nix'), 0o000);
    // … and a flake of several hosts (findings for some hosts only).
    cpSync(join(fixturesDir, 'multiHost'), join(dir, 'hosts'), { recursive: true });
    files = nixFilesUnder(dir, nodeFs).files;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const threads of [2, 3, 5]) {
    it(`gives checkFiles' result with ${threads} threads`, async () => {
      const errors: string[] = [];
      const serial = checkFiles(files, nodeFs, { disabledRules: ['config-needs-bootstrap'] });
      const parallel = await checkFilesInParallel(
        files,
        {
          disabledRules: ['config-needs-bootstrap'],
          onRuleError: (file, rule) => errors.push(`${file} ${rule}`),
        },
        threads,
      );
      assert.deepEqual(parallel, serial);
      assert.deepEqual(errors, []);
      // (The case is worth comparing: related information across files, per-host and failed files.)
      const all = serial.checked.flatMap((c) => c.findings.map((f) => ({ ...f, own: c.file })));
      assert.ok(all.some((f) => f.related?.some((r) => r.file !== f.own)));
      assert.ok(all.some((f) => / \(hosts?: [^)]*\)$/.test(f.message)));
      assert.ok(all.some((f) => f.code === 'analysis-failed'));
      assert.ok(all.some((f) => f.code === 'syntax-error'));
      if (process.getuid?.() !== 0) assert.equal(serial.skipped.length, 1);
    });
  }

  it("gives checkFiles' result when this thread reads every file before the workers start", async () => {
    // (Two small files are read long before a worker has loaded: the workers are told not to start.)
    const few = [join(dir, 'flat', 'builder.nix'), join(dir, 'flat', 'nix.nix')];
    const serial = checkFiles(few, nodeFs);
    assert.deepEqual(await checkFilesInParallel(few, {}, 3), serial);
    // (One file's finding points into the other.)
    assert.ok(serial.checked.some((c) => c.findings.some((f) => f.related?.some((r) => r.file !== c.file))));
  });

  it('uses one thread for few files, on one or two cores and on a busy machine; else a thread per idle core but one', () => {
    assert.equal(threadsFor(PARALLEL_MIN_FILES - 1, 8, 0), 1);
    assert.equal(threadsFor(3_500, 1, 0), 1);
    // Two idle cores: the second thread's warm-up and V8's background threads would share them.
    assert.equal(threadsFor(3_500, 2, 0), 1);
    assert.equal(threadsFor(3_500, 2, 1.6), 1);
    // Busy: the load average at or above the cores.
    assert.equal(threadsFor(3_500, 2, 2), 1);
    assert.equal(threadsFor(3_500, 4, 4.5), 1);
    assert.equal(threadsFor(3_500, 4, 0), 3);
    assert.equal(threadsFor(3_500, 4, 1.5), 1);
    assert.equal(threadsFor(3_500, 10, 3.2), 5);
    assert.equal(threadsFor(3_500, 16, 0), 8);
    // At least a hundred files per thread.
    assert.equal(threadsFor(PARALLEL_MIN_FILES, 8, 0), 2);
  });
});
