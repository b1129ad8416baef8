/**
 * `check --fix` through the real bundled CLI: applies the safe preferred fixes in place, says what
 * changed, is idempotent, leaves valid Nix (nix-instantiate --parse), and never loses data: atomic
 * replacement, permissions and symlinks kept, files it must not touch left byte for byte.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  linkSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../../src/protocol/findings.js';
import { replaceFileText } from '../../../src/cli/replaceFile.js';
import { distCli, examplesDir } from '../../util/paths.js';
import { fixParseError } from '../../util/nixCheck.js';

function check(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [distCli, 'check', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Every .nix file under `dir` with its bytes. */
function snapshot(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.nix'))
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );
}

const SSH_OPTIONS =
  '{\n  nix.linux-builder.enable = true;\n  nix.linux-builder.config.sshOptions = [ "-p" "31022" ];\n}\n';

describe('cli: check --fix', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbd-fix-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fixes every example in place, says what it changed, leaves valid Nix, and a second run changes nothing', () => {
    cpSync(examplesDir, dir, { recursive: true });
    const before = snapshot(dir);
    const first = check('--fix', dir);
    assert.ok(first.code === 0 || first.code === 1, first.stderr);
    const fixedLines = first.stdout.split('\n').filter((l) => l.startsWith('fixed '));
    assert.ok(fixedLines.length >= 10, first.stdout);
    assert.match(fixedLines.join('\n'), /^fixed \S+work-mac\.nix:\d+:\d+ \[ssh-options\] /m);
    const after = snapshot(dir);
    const changed = [...after].filter(([f, text]) => before.get(f) !== text);
    assert.ok(changed.length >= 4, `${changed.length} files changed`);
    for (const [file, text] of changed) assert.equal(fixParseError(text), null, `${file} parses after --fix`);
    // What remains is printed after the changes, as plain `check` prints it.
    assert.match(first.stdout, /files checked: \d+ error\(s\)/);

    const mtimes = new Map([...after.keys()].map((f) => [f, statSync(join(dir, f)).mtimeMs]));
    const second = check('--fix', dir);
    assert.doesNotMatch(second.stdout, /^fixed /m);
    assert.deepEqual(snapshot(dir), after, 'idempotent');
    for (const [f, mtime] of mtimes)
      assert.equal(statSync(join(dir, f)).mtimeMs, mtime, `${f} not rewritten`);
    // And plain check agrees with what --fix said remains.
    assert.equal(check(dir).stdout, second.stdout);
  });

  it('keeps stdout the JSON findings array with --format json (the changes go to stderr)', () => {
    writeFileSync(join(dir, 'bad.nix'), SSH_OPTIONS);
    const run = check('--fix', '--format', 'json', dir);
    assert.equal(run.code, 0, run.stderr);
    const remaining = JSON.parse(run.stdout) as Finding[];
    assert.ok(!remaining.some((f) => f.code === 'ssh-options'));
    assert.match(run.stderr, /^fixed \S+bad\.nix:3:28 \[ssh-options\] /m);
    assert.ok(!readFileSync(join(dir, 'bad.nix'), 'utf8').includes('sshOptions'));
  });

  it('keeps permissions, writes through a symlinked module and leaves the link a link', () => {
    writeFileSync(join(dir, 'real.nix'), SSH_OPTIONS);
    chmodSync(join(dir, 'real.nix'), 0o640);
    const links = mkdtempSync(join(tmpdir(), 'lbd-fix-links-'));
    try {
      symlinkSync(join(dir, 'real.nix'), join(links, 'module.nix'));
      const run = check('--fix', join(links, 'module.nix'));
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.ok(lstatSync(join(links, 'module.nix')).isSymbolicLink(), 'still a link');
      assert.ok(!readFileSync(join(dir, 'real.nix'), 'utf8').includes('sshOptions'), 'the target was fixed');
      assert.equal(statSync(join(dir, 'real.nix')).mode & 0o777, 0o640);
      assert.deepEqual(
        readdirSync(dir).filter((f) => f.includes('lbd-fix')),
        [],
        'no temporary file left behind',
      );
    } finally {
      rmSync(links, { recursive: true, force: true });
    }
  });

  it('leaves a file with a syntax error and a hard-linked file untouched, and says why', () => {
    const broken = '{\n  nix.linux-builder.config.sshOptions = [ "-p" ];\n  x = \n}\n';
    writeFileSync(join(dir, 'broken.nix'), broken);
    writeFileSync(join(dir, 'linked.nix'), SSH_OPTIONS);
    linkSync(join(dir, 'linked.nix'), join(dir, 'other-name.txt'));
    const run = check('--fix', join(dir, 'broken.nix'), join(dir, 'linked.nix'));
    assert.equal(readFileSync(join(dir, 'broken.nix'), 'utf8'), broken);
    assert.equal(readFileSync(join(dir, 'linked.nix'), 'utf8'), SSH_OPTIONS);
    assert.match(run.stdout, /not fixed \S+broken\.nix:2:\d+ \[ssh-options\]: the file has a syntax error/);
    assert.match(run.stderr, /not fixed \S+linked\.nix: it has other hard links/);
    assert.equal(run.code, 2, 'nothing could be written: an I/O error');
  });

  it('replaceFileText refuses a file that changed since it was read, and leaves it as it is', () => {
    const file = join(dir, 'a.nix');
    writeFileSync(file, 'new text from an editor\n');
    assert.throws(() => replaceFileText(file, 'what check read\n', 'fixed\n'), /changed on disk/);
    assert.equal(readFileSync(file, 'utf8'), 'new text from an editor\n');
    replaceFileText(file, 'new text from an editor\n', 'fixed\n');
    assert.equal(readFileSync(file, 'utf8'), 'fixed\n');
  });
});
