/** `linux-builder-doctor check` as users and CI call it: the real bundled CLI, its output and exit codes. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../../src/protocol/findings.js';
import { distCli, examplesDir } from '../../util/paths.js';

function check(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [distCli, 'check', ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('cli: check', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbd-check-'));
    writeFileSync(join(dir, 'good.nix'), '{ nix.linux-builder.enable = true; }\n');
    writeFileSync(
      join(dir, 'warn.nix'),
      '{ nix.distributedBuilds = false; nix.linux-builder.enable = true; }\n',
    );
    writeFileSync(join(dir, 'bad.nix'), '{ nix.linux-builder.config.sshOptions = [ "-p" "31022" ]; }\n');
    mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'x', 'ignored.nix'), '{ nix.linux-builder.sshOptions = [ ]; }\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 with no findings and says how many files it checked', () => {
    const run = check(join(dir, 'good.nix'));
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /1 file checked: 0 error\(s\), 0 warning\(s\)/);
  });

  it('exits 0 when there are only warnings', () => {
    assert.equal(check(join(dir, 'warn.nix')).code, 0);
  });

  it('exits 1 on an error and prints file:line:column, the rule id, the source line and the fixes', () => {
    const run = check(join(dir, 'bad.nix'));
    assert.equal(run.code, 1);
    assert.match(run.stdout, /bad\.nix:1:28: error \[ssh-options\]/);
    assert.match(run.stdout, /\^{10}/);
    assert.match(run.stdout, /fix \(preferred\): Remove sshOptions/);
  });

  it('keeps the full explanation in the text output: the one-line message, then its detail', () => {
    const run = check(join(dir, 'bad.nix'));
    const lines = run.stdout.split('\n');
    const at = lines.findIndex((l) => /\[ssh-options\] sshOptions is not an option/.test(l));
    assert.ok(at >= 0, run.stdout);
    const detail = lines.slice(at + 1).find((l) => /NIX_SSHOPTS/.test(l));
    assert.ok(detail?.startsWith('    '), run.stdout);
    assert.match(detail ?? '', /VM's own NixOS configuration/);
  });

  it('prints the JSON contract: file, 0-based range, severity, code, message, fixes with edits', () => {
    const run = check('--format', 'json', dir);
    assert.equal(run.code, 1);
    const findings = JSON.parse(run.stdout) as Finding[];
    const hit = findings.find((f) => f.code === 'ssh-options');
    assert.ok(hit);
    assert.equal(hit.file, join(dir, 'bad.nix'));
    assert.deepEqual(hit.range.start, { line: 0, character: 27 });
    assert.equal(hit.severity, 'error');
    assert.ok(
      hit.message.length <= 120 && typeof hit.detail === 'string',
      'message short, reasoning in detail',
    );
    assert.ok(
      hit.fixes.every(
        (f) => typeof f.title === 'string' && typeof f.isPreferred === 'boolean' && f.edits.length > 0,
      ),
    );
    assert.ok(!findings.some((f) => f.file?.includes('node_modules')), 'node_modules is not searched');
  });

  it('--disable-rule silences a rule', () => {
    const run = check('--format', 'json', '--disable-rule', 'ssh-options', join(dir, 'bad.nix'));
    assert.equal(run.code, 0);
    const codes = (JSON.parse(run.stdout) as Finding[]).map((f) => f.code);
    assert.deepEqual(codes, ['config-needs-bootstrap'], 'only the note about customising config is left');
  });

  it('exits 2 with a message on stderr and nothing on stdout for a missing path, a bad format or no path', () => {
    for (const args of [[join(dir, 'missing.nix')], ['--format', 'yaml', dir], [], ['--bogus', dir]]) {
      const run = check(...args);
      assert.equal(run.code, 2, args.join(' '));
      assert.equal(run.stdout, '', args.join(' '));
      assert.match(run.stderr, /linux-builder-doctor check: /);
    }
  });

  it('checks the modules of one flake together, and keeps separate configurations apart', () => {
    const flake = join(dir, 'mac');
    mkdirSync(join(flake, 'modules'), { recursive: true });
    writeFileSync(join(flake, 'flake.nix'), '{ outputs = { ... }: { }; }\n');
    writeFileSync(join(flake, 'modules', 'nix.nix'), '{\n  nix.enable = false;\n}\n');
    writeFileSync(join(flake, 'modules', 'builder.nix'), '{\n  nix.linux-builder.enable = true;\n}\n');
    const other = join(dir, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'configuration.nix'), '{ nix.linux-builder.enable = true; }\n');
    const run = check('--format', 'json', flake, other);
    const hits = (JSON.parse(run.stdout) as Finding[])
      .filter((f) => f.code === 'requires-nix-enable')
      .map((f) => f.file?.slice(dir.length + 1))
      .sort();
    assert.deepEqual(hits, ['mac/modules/builder.nix', 'mac/modules/nix.nix']);
    assert.equal(run.code, 1);
  });

  it('reports every rule on the bundled examples', () => {
    const run = check('--format', 'json', examplesDir);
    assert.equal(run.code, 1);
    const codes = new Set((JSON.parse(run.stdout) as Finding[]).map((f) => f.code));
    assert.ok(codes.size >= 15, [...codes].join(', '));
  });
});
