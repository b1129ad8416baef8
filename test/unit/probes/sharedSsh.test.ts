/**
 * The run's one SSH connection (src/probes/sharedSsh.ts): which Nix may join it, what the commands
 * that run get (the socket options, first) and what they report (the command as given, never the
 * socket), the private directory and its removal, also when a command is killed. Fake `ssh`, `nix`
 * and `sudo` on PATH print what they were given (the loopback suite runs the real ones).
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ProbeContext } from '../../../src/probes/context.js';
import {
  nixJoinsSharedSsh,
  STALE_SOCKET_DIR_MS,
  sweepStaleSocketDirs,
} from '../../../src/probes/sharedSsh.js';
import type { BuilderTarget } from '../../../src/probes/context.js';

/** nix-darwin's builder as the machines file names it. */
const TARGET: BuilderTarget = {
  uri: 'ssh-ng://builder@linux-builder',
  scheme: 'ssh-ng',
  host: 'linux-builder',
  user: 'builder',
  systems: [],
  source: 'test',
};

describe('shared SSH connection', function () {
  it('Nix joins through NIX_SSHOPTS except 2.15.0–2.16.1 (they wait for LocalCommand) and unknown versions', function () {
    for (const v of ['2.3.16', '2.8.0', '2.14.1', '2.16.2', '2.18.1', '2.31.2+1', '2.91.1', '3.0.0'])
      assert.equal(nixJoinsSharedSsh(v), true, v);
    for (const v of ['2.15.0', '2.15.3', '2.16.0', '2.16.1', undefined, '', 'nix'])
      assert.equal(nixJoinsSharedSsh(v), false, String(v));
  });

  let bin: string;
  let root: string;
  let ctx: ProbeContext;
  const savedTmp = process.env.TMPDIR;
  beforeEach(function () {
    bin = mkdtempSync(join(tmpdir(), 'lbd-shared-bin-'));
    root = mkdtempSync(join(tmpdir(), 'lbd-shared-root-'));
    // Each fake prints its argv (one word a line) and the NIX_SSHOPTS it got.
    for (const name of ['ssh', 'nix'])
      writeFileSync(
        join(bin, name),
        `#!/bin/sh\nfor a; do last=$a; done\n[ "$last" = sleep ] && exec sleep 5\nprintf '%s\\n' "${name}" "$@"\nprintf 'NIX_SSHOPTS=%s\\n' "$NIX_SSHOPTS"\n`,
        { mode: 0o755 },
      );
    // sudo -n that refuses env(1), as a sudoers rule for nix alone would, and runs anything else.
    writeFileSync(
      join(bin, 'sudo'),
      '#!/bin/sh\n[ "$1" = -n ] || exit 99\nshift\n[ "$1" = env ] && [ -n "$REFUSE_ENV" ] && { echo "sudo: a password is required" >&2; exit 1; }\nexec "$@"\n',
      { mode: 0o755 },
    );
    ctx = newContext({});
  });
  afterEach(async function () {
    await ctx.closeSharedSsh();
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    rmSync(bin, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  function newContext(env: NodeJS.ProcessEnv, sudo = false): ProbeContext {
    const context = new ProbeContext({
      root,
      env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH ?? ''}` },
      deadline: Date.now() + 30_000,
    });
    // As a user that is not root on the real machine: root's view through `sudo -n`.
    if (sudo) Object.defineProperty(context, 'needsSudo', { value: true });
    return context;
  }

  const lines = (stdout: string): string[] => stdout.trim().split('\n');
  const socketOf = (words: string[]): string =>
    words.find((w) => w.startsWith('-oControlPath='))?.slice('-oControlPath='.length) ?? '';

  it("an ssh command runs with the socket options first and reports the argv as given; close removes the run's directory", async function () {
    const argv = ['ssh', '-x', '-oBatchMode=yes', '--', 'builder@linux-builder', 'true'];
    const result = await ctx.run(argv, 5000, { shared: 'ssh' });
    assert.deepEqual(result.argv, argv, 'evidence and Copy Command name the command as given');
    const ran = lines(result.stdout);
    assert.deepEqual(ran.slice(0, 4), ['ssh', '-oControlMaster=auto', ran[2], '-oControlPersist=30']);
    const socket = socketOf(ran);
    assert.match(socket, /\/lbd-ssh-[^/]+\/ssh$/);
    const dir = dirname(socket);
    const info = statSync(dir);
    assert.equal(info.mode & 0o777, 0o700, 'only this user (and root) may enter it');
    assert.equal(info.uid, process.getuid?.());
    // A second command uses the same socket.
    const again = await ctx.run(argv, 5000, { shared: 'ssh' });
    assert.equal(socketOf(lines(again.stdout)), socket);
    await ctx.closeSharedSsh();
    assert.equal(existsSync(dir), false);
    // After the close every command connects on its own.
    const after = await ctx.run(argv, 5000, { shared: 'ssh' });
    assert.deepEqual(lines(after.stdout).slice(0, argv.length), argv);
  });

  it("nix gets the socket first in NIX_SSHOPTS, before the environment's own options", async function () {
    ctx = newContext({ NIX_SSHOPTS: '-oPort=2222' });
    const argv = ['nix', 'store', 'info', '--store', 'ssh-ng://builder@linux-builder'];
    const result = await ctx.run(argv, 5000, { shared: 'nix' });
    assert.deepEqual(result.argv, argv);
    const opts = lines(result.stdout).find((l) => l.startsWith('NIX_SSHOPTS='));
    assert.match(
      opts ?? '',
      /^NIX_SSHOPTS=-oControlMaster=no -oControlPath=\/\S+\/lbd-ssh-[^/\s]+\/ssh -oPort=2222$/,
    );
  });

  it('as a user: ssh runs as `sudo -n ssh <socket options> …`, nix through env(1) (sudo resets the environment), and without env when sudo refuses it', async function () {
    ctx = newContext({}, true);
    const ssh = ctx.nixLikeSshArgv(TARGET, ['true']);
    assert.deepEqual(ssh.slice(0, 3), ['sudo', '-n', 'ssh']);
    const login = await ctx.run(ssh, 5000, { shared: 'ssh' });
    assert.deepEqual(login.argv, ssh);
    assert.deepEqual(lines(login.stdout).slice(0, 2), ['ssh', '-oControlMaster=auto']);
    const nix = ['sudo', '-n', 'nix', 'store', 'info', '--store', 'ssh-ng://builder@linux-builder'];
    const info = await ctx.run(nix, 5000, { shared: 'nix' });
    assert.deepEqual(info.argv, nix);
    assert.match(lines(info.stdout).at(-1) ?? '', /^NIX_SSHOPTS=-oControlMaster=no -oControlPath=\S+\/ssh$/);
    const strict = newContext({ REFUSE_ENV: '1' }, true);
    try {
      const plain = await strict.run(nix, 5000, { shared: 'nix' });
      assert.equal(plain.exitCode, 0, plain.stderr);
      assert.deepEqual(plain.argv, nix);
      assert.equal(lines(plain.stdout).at(-1), 'NIX_SSHOPTS=', 'run as given: no socket');
    } finally {
      await strict.closeSharedSsh();
    }
  });

  it('a shared command killed at its timeout ends the connection (its master would hold the output open)', async function () {
    const started = Date.now();
    const result = await ctx.run(['ssh', 'sleep'], 300, { shared: 'ssh' });
    assert.equal(result.timedOut, true);
    assert.ok(Date.now() - started < 3000);
    const next = await ctx.run(['ssh', '-x'], 5000, { shared: 'ssh' });
    assert.deepEqual(
      lines(next.stdout).slice(0, 2),
      ['ssh', '-x'],
      'closed: the next one connects on its own',
    );
  });

  it('the connection opened ahead (ssh -N) never adds a known host, is joined by the login, whose evidence gets what ssh printed while connecting; not in a run without the login', async function () {
    const target = TARGET;
    // The fake master: records its argv, says what a connecting ssh may say, and exits as ssh -N does once up.
    writeFileSync(
      join(bin, 'ssh'),
      `#!/bin/sh\nfor a; do [ "$a" = -N ] && { printf '%s\\n' "$@" > "${bin}/master"; echo 'Warning: connecting' >&2; exit 0; }; done\nprintf '%s\\n' ssh "$@"\n`,
      { mode: 0o755 },
    );
    ctx.openSharedSsh(target);
    assert.equal(existsSync(join(bin, 'master')), false, 'no login in this run: no connection');
    ctx.selected = new Set(['ssh-login']);
    ctx.openSharedSsh(target);
    await ctx.sharedSshReady();
    const master = lines(readFileSync(join(bin, 'master'), 'utf8'));
    assert.deepEqual(master.slice(0, 2), ['-N', '-oControlMaster=yes']);
    assert.ok(master.includes('-oStrictHostKeyChecking=yes') && master.includes('-oUpdateHostKeys=no'));
    assert.ok(master.indexOf('-oStrictHostKeyChecking=yes') < master.indexOf('--'));
    assert.deepEqual(master.slice(-2), ['--', 'builder@linux-builder'], 'no remote command');
    const login = ctx.nixLikeSshArgv(target, ['true']);
    // remote-nix's ssh may run before the login is done (its early start): it never takes them.
    const other = await ctx.run(ctx.nixLikeSshArgv(target, ['nix-daemon', '--version']), 5000, {
      shared: 'ssh',
    });
    assert.equal(other.stderr, '', 'not the login: not its words');
    assert.equal(socketOf(lines(other.stdout)), socketOf(master), 'it joins that socket too');
    const first = await ctx.run(login, 5000, { shared: 'ssh', reportsOpening: true });
    assert.equal(first.stderr, 'Warning: connecting\n');
    assert.equal(socketOf(lines(first.stdout)), socketOf(master), 'the login joins that socket');
    const second = await ctx.run(login, 5000, { shared: 'ssh', reportsOpening: true });
    assert.equal(second.stderr, '', 'only once');
  });

  it('opened ahead for one builder, asked for another: that connection is ended and every command connects on its own', async function () {
    writeFileSync(
      join(bin, 'ssh'),
      `#!/bin/sh\nfor a; do [ "$a" = -N ] && { printf '%s\\n' "$@" >> "${bin}/masters"; exit 0; }; done\nprintf '%s\\n' ssh "$@"\n`,
      { mode: 0o755 },
    );
    ctx.selected = new Set(['ssh-login']);
    // The builder read from the files ahead (sshEffectiveConfig.ts), then the one Nix names: same
    // argv, so one connection.
    ctx.openSharedSsh(TARGET);
    ctx.openSharedSsh({ ...TARGET });
    await ctx.sharedSshReady();
    assert.equal(await ctx.sharedSshUp(), true);
    const masters = (): number =>
      readFileSync(join(bin, 'masters'), 'utf8')
        .split('\n')
        .filter((word) => word === '-N').length;
    assert.equal(masters(), 1);
    // Another port: not the login's connection.
    ctx.openSharedSsh({ ...TARGET, port: 2222 });
    assert.equal(await ctx.sharedSshUp(), false);
    const login = ctx.nixLikeSshArgv({ ...TARGET, port: 2222 }, ['true']);
    const ran = await ctx.run(login, 5000, { shared: 'ssh', reportsOpening: true });
    assert.deepEqual(lines(ran.stdout), login, 'as given: no socket of the other connection');
    assert.equal(masters(), 1, 'none opened again');
  });

  it('a temporary folder whose path ssh or Nix would split or expand is not used: /tmp instead', async function () {
    const spaced = mkdtempSync(join(tmpdir(), 'lbd shared %h '));
    try {
      process.env.TMPDIR = spaced;
      const result = await ctx.run(['ssh', '-x'], 5000, { shared: 'ssh' });
      assert.match(socketOf(lines(result.stdout)), /^\/tmp\/lbd-ssh-[A-Za-z0-9]+\/ssh$/);
    } finally {
      rmSync(spaced, { recursive: true, force: true });
    }
  });

  it("removes the empty socket folders a killed run left, and nothing else: not a live run's, not one with a socket, not another program's", function () {
    const base = mkdtempSync(join(tmpdir(), 'lbd-sweep-'));
    try {
      const old = (Date.now() - STALE_SOCKET_DIR_MS - 60_000) / 1000;
      const make = (name: string, aged: boolean, withFile = false): string => {
        const dir = join(base, name);
        mkdirSync(dir);
        if (withFile) writeFileSync(join(dir, 'ssh'), '');
        if (aged) utimesSync(dir, old, old);
        return dir;
      };
      const killedRun = make('lbd-ssh-killed', true);
      const liveRun = make('lbd-ssh-live', false);
      const withSocket = make('lbd-ssh-socket', true, true);
      const otherProgram = make('other-program', true);
      sweepStaleSocketDirs(base);
      assert.equal(existsSync(killedRun), false, 'the killed run folder is removed');
      for (const kept of [liveRun, withSocket, otherProgram]) assert.equal(existsSync(kept), true, kept);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
