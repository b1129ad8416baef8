/**
 * `check` of folders as found on real machines: unreadable entries, symlinked modules, loops, the
 * same file under two spellings, and file names that hold newlines or terminal escapes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Finding } from '../../../src/protocol/findings.js';
import { printable, printablePath } from '../../../src/protocol/shellText.js';
import { distCli } from '../../util/paths.js';

/** Root reads everything: the CLI then runs as `nobody`, for whom a mode-000 file is unreadable. */
const unprivileged = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

/**
 * The CLI's bundles where `nobody` can read them: a clone in a private folder (`mktemp -d` makes
 * it 0700) would otherwise fail every test here with "Cannot find module".
 */
function readableCli(): string {
  if (!('uid' in unprivileged)) return distCli;
  const copy = mkdtempSync(join(tmpdir(), 'lbd-cli-'));
  chmodSync(copy, 0o755);
  for (const bundle of readdirSync(dirname(distCli)).filter((name) => name.endsWith('.cjs')))
    copyFileSync(join(dirname(distCli), bundle), join(copy, bundle));
  return join(copy, 'cli.cjs');
}

let cli = distCli;

function check(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [cli, 'check', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    ...unprivileged,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const BAD = '{ nix.linux-builder.config.sshOptions = [ "-p" "31022" ]; }\n';

describe('cli: check of folders', () => {
  before(() => (cli = readableCli()));
  after(() => {
    if (cli !== distCli) rmSync(dirname(cli), { recursive: true, force: true });
  });
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbd-folders-'));
    chmodSync(dir, 0o755); // mkdtemp makes it private; the unprivileged CLI must enter it
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reports an unreadable file and an unreadable subfolder on stderr and checks the rest', () => {
    writeFileSync(join(dir, 'bad.nix'), BAD);
    writeFileSync(join(dir, 'secret.nix'), BAD);
    chmodSync(join(dir, 'secret.nix'), 0o000);
    mkdirSync(join(dir, 'locked'));
    writeFileSync(join(dir, 'locked', 'inside.nix'), BAD);
    chmodSync(join(dir, 'locked'), 0o000);
    const run = check('--format', 'json', dir);
    assert.equal(run.code, 1, run.stderr);
    const files = (JSON.parse(run.stdout) as Finding[]).map((f) => f.file);
    assert.deepEqual([...new Set(files)], [join(dir, 'bad.nix')]);
    assert.match(run.stderr, /skipped .*secret\.nix: permission denied/);
    assert.match(run.stderr, /skipped .*locked: permission denied/);
  });

  it('exits 2 with nothing on stdout when nothing could be read', () => {
    writeFileSync(join(dir, 'secret.nix'), BAD);
    chmodSync(join(dir, 'secret.nix'), 0o000);
    const run = check(dir);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /skipped .*secret\.nix: permission denied/);
  });

  it('follows symlinked modules and folders, once, and stops at a link back to an ancestor', () => {
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    writeFileSync(join(shared, 'builder.nix'), BAD);
    const host = join(dir, 'host');
    mkdirSync(host);
    symlinkSync(join(shared, 'builder.nix'), join(host, 'linked.nix'));
    symlinkSync(dir, join(host, 'loop'));
    const run = check('--format', 'json', host);
    assert.equal(run.code, 1, run.stderr);
    const files = [...new Set((JSON.parse(run.stdout) as Finding[]).map((f) => f.file))];
    // host/linked.nix is the one spelling met first; shared/builder.nix (through host/loop) is the same file.
    assert.deepEqual(files, [join(host, 'linked.nix')]);
  });

  it('reports a file named twice (two spellings of one path) once', () => {
    writeFileSync(join(dir, 'bad.nix'), BAD);
    const run = check('--format', 'json', join(dir, 'bad.nix'), `${dir}/./bad.nix`, `${dir}//bad.nix`, dir);
    const findings = (JSON.parse(run.stdout) as Finding[]).filter((f) => f.code === 'ssh-options');
    assert.equal(findings.length, 1, JSON.stringify(findings.map((f) => f.file)));
  });

  it('quotes file names with a newline or an escape sequence, and never prints the escape', () => {
    const evil = join(dir, 'a\nfake.nix:1:1: error [x] forged\u001b]0;pwned\u0007.nix');
    writeFileSync(evil, BAD);
    const run = check(dir);
    assert.equal(run.code, 1, run.stderr);
    assert.ok(!run.stdout.includes('\u001b'), 'no ESC byte reaches the terminal');
    assert.ok(!run.stdout.includes('\u0007'), 'no BEL byte reaches the terminal');
    assert.ok(!/^fake\.nix/m.test(run.stdout), 'the name cannot start a line of its own');
    assert.match(
      run.stdout,
      /^".*a\\nfake\.nix:1:1: error \[x\] forged\\e\]0;pwned\\x07\.nix":1:28: error \[ssh-options\]/m,
    );
  });

  it('prints the escape sequences inside a file as text, not as terminal commands', () => {
    writeFileSync(join(dir, 'colour.nix'), '{ nix.linux-builder.config.sshOptions = [ "\u001b[31m" ]; }\n');
    const run = check(dir);
    assert.ok(!run.stdout.includes('\u001b'), run.stdout);
    assert.match(run.stdout, /\\e\[31m/);
  });
});

describe('printable paths and text', () => {
  it('leaves plain paths alone, so file:line:column stays clickable', () => {
    assert.equal(printablePath('/Users/me/nix config/flake.nix'), '/Users/me/nix config/flake.nix');
  });

  it('quotes and escapes control, C1 and bidirectional characters', () => {
    assert.equal(printablePath('a\nb'), '"a\\nb"');
    assert.equal(printablePath('x\u009b31m"\\'), '"x\\x9b31m\\"\\\\"');
    assert.equal(printablePath('evil\u202ezin.nix'), '"evil\\u{202e}zin.nix"');
    assert.equal(printable('tab\tstays, \u001b does not', { keepTabs: true }), 'tab\tstays, \\e does not');
    assert.equal(printable('tab\tgoes'), 'tab\\tgoes');
  });
});
