/** `linux-builder-doctor explain` as users and CI call it: the bundled CLI, stdin or a file, text or JSON, exit codes 0/1/2, --config. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distCli } from '../../util/paths.js';

function explain(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [distCli, 'explain', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    ...(input !== undefined ? { input } : {}),
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('cli: explain', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbd-explain-'));
    writeFileSync(
      join(dir, 'darwin.nix'),
      '{\n  nix.linux-builder.enable = true;\n  nix.linux-builder.sshOptions = [ "-p" "31022" ];\n}\n',
    );
    writeFileSync(
      join(dir, 'build.log'),
      "building '/nix/store/abc-hello.drv'...\ncannot build on 'ssh-ng://builder@linux-builder': error: failed to start SSH connection to 'linux-builder': ssh: connect to host localhost port 31022: Connection refused\n",
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('names the cause, the evidence, the fix and the probe that confirms it; exit 1', () => {
    const run = explain([join(dir, 'build.log')]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /\[builder-down\]/);
    assert.match(run.stdout, /\| cannot build on 'ssh-ng:\/\/builder@linux-builder'/);
    assert.match(run.stdout, /fix: .*Restart|fix: .*Start/);
    assert.match(run.stdout, /confirm with: sudo linux-builder-doctor probe --only vm-port/);
  });

  it('reads stdin and prints the JSON contract { problems: [{ cause, summary, evidence, fix }] }', () => {
    const run = explain(
      ['--format', 'json', '-'],
      'ssh: Could not resolve hostname linux-builder: nodename nor servname provided, or not known\n',
    );
    assert.equal(run.code, 1, run.stderr);
    const out = JSON.parse(run.stdout) as {
      problems: { cause: string; summary: string; evidence: string[]; fix?: { summary: string } }[];
    };
    assert.equal(out.problems.length, 1);
    assert.equal(out.problems[0]?.cause, 'hostname-unresolved');
    assert.deepEqual(out.problems[0]?.evidence, [
      'ssh: Could not resolve hostname linux-builder: nodename nor servname provided, or not known',
    ]);
    assert.ok((out.problems[0]?.fix?.summary.length ?? 0) > 20);
  });

  it('exits 0 and says so when nothing is recognised', () => {
    const run = explain(['--format', 'json'], 'all good\nbuilt /nix/store/abc-hello\n');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { problems: [] });
    assert.match(explain([], 'nothing here\n').stdout, /nothing recognised/);
  });

  it('with --config names the rule and file:line of an option error', () => {
    const run = explain(
      ['--config', dir, '-'],
      'error: The option `nix.linux-builder.sshOptions\' does not exist. Definition values:\n- In `/nix/store/x-source/darwin.nix\': [ "-p" "31022" ]\n',
    );
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stdout,
      new RegExp(
        `defined at: ${join(dir, 'darwin.nix').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3:\\d+ \\[ssh-options\\]`,
      ),
    );
  });

  it('exits 2 on usage and I/O errors, with nothing on stdout', () => {
    for (const args of [
      ['--format', 'xml', '-'],
      ['a', 'b'],
      [join(dir, 'missing.log')],
      ['--config', join(dir, 'nope'), '-'],
    ]) {
      const run = explain(args, "error: The option `nix.linux-builder.sshOptions' does not exist.\n");
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stdout}`);
      assert.equal(run.stdout, '');
      assert.notEqual(run.stderr, '');
    }
  });

  it('is listed in --help', () => {
    const run = spawnSync(process.execPath, [distCli, '--help'], { encoding: 'utf8' });
    assert.match(run.stdout, /explain \[--format text\|json\] \[--config DIR\] \[FILE\|-\]/);
  });
});
