/**
 * A real "linux-builder" on loopback (docs/dev/testing.md#a-loopback-builder): OpenSSH's sshd in a mount + pid namespace
 * with a `builder` user that exists only there, a private /nix for the builder, and real Nix 2.8.
 * Started and torn down by the tests; nothing global changes on the machine. Also stages the
 * "Mac" root directories (`--root`) that point at it, one per fault scenario.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../util/freePort.js';

export const BUILDER_UID = 31022;

export { freePort };

/** Resolves true once something on the port sends an SSH banner; polls until the deadline. */
export async function waitForSsh(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      const done = (v: boolean): void => {
        socket.destroy();
        resolve(v);
      };
      socket.setTimeout(500, () => done(false));
      socket.once('data', (d: Buffer) => done(d.toString().startsWith('SSH-')));
      socket.once('error', () => done(false));
      socket.connect(port, '127.0.0.1');
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

function keygen(file: string, type = 'ed25519'): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'test', '-f', file], {
    stdio: 'ignore',
  });
  if (r.status !== 0) throw new Error(`ssh-keygen failed for ${file}`);
}

export class LoopbackBuilder {
  readonly base: string;
  readonly port: number;
  /** The builder's host key line, `ssh-ed25519 AAAA… comment` (what nix-darwin pins). */
  readonly hostKeyPub: string;
  /** The client key the builder accepts (stands for /etc/nix/builder_ed25519). */
  readonly clientKey: string;
  private child: ChildProcess | undefined;
  /** What sshd has logged so far (-e: on stderr), e.g. one `Accepted publickey for …` per login. */
  sshdLog = '';

  private constructor(base: string, port: number) {
    this.base = base;
    this.port = port;
    mkdirSync(join(base, 'etc'), { recursive: true });
    keygen(join(base, 'etc', 'ssh_host_ed25519_key'));
    keygen(join(base, 'builder_ed25519'));
    this.hostKeyPub = readFileSync(join(base, 'etc', 'ssh_host_ed25519_key.pub'), 'utf8').trim();
    this.clientKey = join(base, 'builder_ed25519');
    this.resetAuthorizedKeys();
  }

  static async start(): Promise<LoopbackBuilder> {
    const base = mkdtempSync(join(tmpdir(), 'lbd-loopback-'));
    chmodSync(base, 0o755);
    const builder = new LoopbackBuilder(base, await freePort());
    builder.prepare();
    await builder.launch();
    return builder;
  }

  /** Authorized keys are re-read per connection, so scenarios switch without a restart. */
  setAuthorizedKeys(text: string): void {
    writeFileSync(join(this.base, 'authorized_keys'), text, { mode: 0o644 });
  }

  resetAuthorizedKeys(): void {
    this.setAuthorizedKeys(readFileSync(`${this.clientKey}.pub`, 'utf8'));
  }

  private prepare(): void {
    const b = this.base;
    const home = join(b, 'home', 'builder');
    mkdirSync(join(home, '.config', 'nix'), { recursive: true });
    mkdirSync(join(b, 'vm', 'nix'), { recursive: true });
    // Offline: no substituters (else ~5 s of retries); no sandbox inside this namespace.
    writeFileSync(join(home, '.config', 'nix', 'nix.conf'), 'substituters =\nsandbox = false\n');
    for (const dir of [
      join(b, 'home'),
      home,
      join(home, '.config'),
      join(home, '.config', 'nix'),
      join(home, '.config', 'nix', 'nix.conf'),
      join(b, 'vm', 'nix'),
    ]) {
      chownSync(dir, BUILDER_UID, BUILDER_UID);
    }
    writeFileSync(
      join(b, 'passwd'),
      `${readFileSync('/etc/passwd', 'utf8').trimEnd()}\nbuilder:x:${BUILDER_UID}:${BUILDER_UID}::${home}:/bin/bash\n`,
    );
    writeFileSync(
      join(b, 'group'),
      `${readFileSync('/etc/group', 'utf8').trimEnd()}\nbuilder:x:${BUILDER_UID}:\n`,
    );
    writeFileSync(
      join(b, 'sshd_config'),
      [
        `Port ${this.port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(b, 'etc', 'ssh_host_ed25519_key')}`,
        'PidFile none',
        `AuthorizedKeysFile ${join(b, 'authorized_keys')}`,
        'StrictModes no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'AllowUsers builder',
        'PermitUserEnvironment PATH',
        '',
      ].join('\n'),
    );
  }

  private async launch(): Promise<void> {
    const b = this.base;
    const script = `mount -n -t tmpfs tmpfs /run && mkdir /run/sshd && mount -n --bind ${b}/passwd /etc/passwd && mount -n --bind ${b}/group /etc/group && mount -n --bind ${b}/vm/nix /nix && exec /usr/sbin/sshd -D -e -f ${b}/sshd_config`;
    this.child = spawn(
      'unshare',
      [
        '--mount',
        '--pid',
        '--fork',
        '--kill-child',
        '--mount-proc',
        '--propagation',
        'private',
        '--',
        'sh',
        '-c',
        script,
      ],
      {
        detached: true,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    this.child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      this.sshdLog += d.toString();
    });
    if (!(await waitForSsh(this.port, 10_000))) {
      this.stop();
      throw new Error(`loopback sshd did not come up on port ${this.port}: ${stderr}`);
    }
  }

  /** SIGKILL the namespace's pid 1 (unshare --fork ignores SIGTERM), then unshare itself. */
  stop(): void {
    const pid = this.child?.pid;
    if (pid !== undefined) {
      try {
        const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
          .trim()
          .split(/\s+/)
          .filter((s) => s !== '');
        for (const c of children) {
          try {
            process.kill(Number(c), 'SIGKILL');
          } catch {
            /* gone */
          }
        }
      } catch {
        /* unshare already gone */
      }
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    this.child = undefined;
  }

  /** Logins sshd has accepted so far. */
  logins(): number {
    return this.sshdLog.split('\n').filter((line) => line.includes('Accepted publickey for ')).length;
  }

  dispose(): void {
    this.stop();
    rmSync(this.base, { recursive: true, force: true });
  }
}

export interface MacOptions {
  /** The port the Host block names (default: the builder's). */
  port?: number;
  include?: boolean;
  hostBlock?: boolean;
  hostKeyAlias?: boolean;
  /** The client key: 'good' (accepted), 'foreign' (another key), 'missing', 'passphrase' (the accepted key, encrypted). */
  key?: 'good' | 'foreign' | 'missing' | 'passphrase';
  keyMode?: number;
  /**
   * publicHostKey column: the builder's key, another key's, another key of a type the builder
   * does not serve (ECDSA; it serves only Ed25519), the bare blob's base64, or `-`.
   */
  publicHostKey?: 'good' | 'other' | 'other-type' | 'bare-blob' | 'none';
  /** root's known_hosts gets the builder's key under the alias (for entries without publicHostKey). */
  rootKnownHosts?: boolean;
  /**
   * A global known_hosts (ssh_config's GlobalKnownHostsFile, which Nix leaves alone) holds the
   * builder's key under the name ssh looks up without HostKeyAlias (`[localhost]:port`).
   */
  globalKnownHosts?: boolean;
  /** root's own /var/root/.ssh/config Includes the drop-in (the corporate fix). */
  rootConfigInclude?: boolean;
  /** The builder's host alias (Determinate's VM is `nixos-vm-based-linux-builder`). */
  alias?: string;
  /** The ssh user in the store URI (default builder). */
  sshUser?: string;
  /** Owner uid of the key file (default root). */
  keyOwner?: number;
  /** Write the builder inline in nix.conf's builders instead of a machines file. */
  inline?: boolean;
  /** The store URI scheme (nix.linux-builder.protocol): ssh-ng (default) or ssh. */
  protocol?: 'ssh-ng' | 'ssh';
  /** NIX_SSHOPTS in the nix-daemon's launchd plist (nix.envVars). */
  daemonSshOpts?: string;
  machines?: boolean;
  /** Line for nix.conf's builders (undefined: Nix's default @<conf dir>/machines). */
  buildersLine?: string;
  determinate?: boolean;
  /** launchd's record of the VM: running, not loaded, or restarted 57 times with exit 134 (a QEMU abort) plus its crash report. */
  launchd?: 'running' | 'absent' | 'crash-loop';
  /** More lines for the system nix.conf (e.g. Determinate's `external-builders`). */
  nixConfExtra?: string;
  /** A line for root's own ~/.config/nix/nix.conf (the user-level file of the account running nix). */
  userNixConf?: string;
  /**
   * What `nix --version` prints the version as (a fake `nix` on PATH answers `--version` and passes
   * everything else to the real nix): stages a Nix release without installing it.
   */
  nixVersion?: string;
  /**
   * With `nixVersion` 2.15 or newer: the `Trusted:` line such a Nix adds to `nix store ping|info`
   * (docs/dev/domain.md#what-ssh-and-nix-print). The real Nix 2.8 still reaches the builder over
   * ssh; the fake appends the line its newer self would print where that succeeded.
   */
  storeTrust?: '0' | '1' | 'false' | 'true';
}

/** The real nix on PATH, for the fake `nix` to pass through to. */
function realNix(): string {
  const found = spawnSync('sh', ['-c', 'command -v nix'], { encoding: 'utf8' }).stdout.trim();
  if (found === '') throw new Error('nix is not on PATH');
  return found;
}

/**
 * Stage a "Mac" root: the files nix-darwin writes (docs/dev/domain.md#what-enabling-the-builder-generates), with absolute staged paths
 * inside them, plus fake macOS commands on a bin dir for PATH.
 */
export function stageMac(
  builder: LoopbackBuilder,
  name: string,
  o: MacOptions = {},
): { root: string; bin: string; env: NodeJS.ProcessEnv } {
  const root = join(builder.base, 'macs', name);
  rmSync(root, { recursive: true, force: true });
  const dirs = [
    'etc/ssh/ssh_config.d',
    'etc/nix',
    'var/root/.ssh',
    'Library/LaunchDaemons',
    'usr/local/bin',
    'bin',
  ];
  for (const d of dirs) mkdirSync(join(root, d), { recursive: true });
  const p = (rel: string): string => join(root, rel);
  writeFileSync(
    p('etc/ssh/ssh_config'),
    `${o.include === false ? '# managed by Chef: no Include\n' : `Include ${p('etc/ssh/ssh_config.d')}/*\n`}Host *\n  SendEnv LANG LC_*\n${o.globalKnownHosts === true ? `  GlobalKnownHostsFile ${p('etc/ssh/ssh_known_hosts')}\n` : ''}`,
  );
  if (o.globalKnownHosts === true)
    writeFileSync(
      p('etc/ssh/ssh_known_hosts'),
      `[localhost]:${o.port ?? builder.port} ${builder.hostKeyPub}\n`,
    );
  const key = p('etc/nix/builder_ed25519');
  const alias = o.alias ?? 'linux-builder';
  if (o.hostBlock !== false) {
    writeFileSync(
      p('etc/ssh/ssh_config.d/100-linux-builder.conf'),
      [
        `Host ${alias}`,
        '  User builder',
        '  Hostname localhost',
        ...(o.hostKeyAlias === false ? [] : [`  HostKeyAlias ${alias}`]),
        `  Port ${o.port ?? builder.port}`,
        `  IdentityFile ${key}`,
        '',
      ].join('\n'),
    );
  }
  if (o.key !== 'missing') {
    if (o.key === 'foreign') keygen(key);
    else {
      copyFileSync(builder.clientKey, key);
      copyFileSync(`${builder.clientKey}.pub`, `${key}.pub`);
    }
    // The key the builder accepts, now needing a passphrase nobody can type for the daemon.
    if (
      o.key === 'passphrase' &&
      spawnSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'secret phrase', '-f', key], { stdio: 'ignore' })
        .status !== 0
    )
      throw new Error('ssh-keygen -p failed');
    chmodSync(key, o.keyMode ?? 0o600);
    if (o.keyOwner !== undefined) chownSync(key, o.keyOwner, o.keyOwner);
  }
  let hostKeyColumn = Buffer.from(builder.hostKeyPub).toString('base64');
  if (o.publicHostKey === 'other' || o.publicHostKey === 'other-type') {
    const other = p('other_host_key');
    keygen(other, o.publicHostKey === 'other' ? 'ed25519' : 'ecdsa');
    hostKeyColumn = Buffer.from(readFileSync(`${other}.pub`, 'utf8').trim()).toString('base64');
  } else if (o.publicHostKey === 'bare-blob') {
    hostKeyColumn = Buffer.from(builder.hostKeyPub.split(' ')[1] ?? '').toString('base64');
  } else if (o.publicHostKey === 'none') {
    hostKeyColumn = '-';
  }
  const line = `${o.protocol ?? 'ssh-ng'}://${o.sshUser ?? 'builder'}@${alias} x86_64-linux ${key} 1 1 kvm,benchmark,big-parallel - ${hostKeyColumn}`;
  if (o.machines !== false && o.inline !== true)
    writeFileSync(p('etc/nix/machines'), `# generated\n${line}\n`);
  const builders = o.inline === true ? `builders = ${line}` : o.buildersLine;
  writeFileSync(
    p('etc/nix/nix.conf'),
    `sandbox = false\nbuilders-use-substitutes = true\n${builders !== undefined ? `${builders}\n` : ''}${o.nixConfExtra !== undefined ? `${o.nixConfExtra}\n` : ''}`,
  );
  writeFileSync(
    p('var/root/.ssh/known_hosts'),
    o.rootKnownHosts === true ? `${alias} ${builder.hostKeyPub}\n` : '',
  );
  if (o.rootConfigInclude === true)
    writeFileSync(p('var/root/.ssh/config'), `Include ${p('etc/ssh/ssh_config.d/100-linux-builder.conf')}\n`);
  if (o.launchd !== 'absent')
    writeFileSync(
      p('Library/LaunchDaemons/org.nixos.linux-builder.plist'),
      '<?xml version="1.0"?><plist version="1.0"><dict><key>Label</key><string>org.nixos.linux-builder</string></dict></plist>\n',
    );
  if (o.daemonSshOpts !== undefined) {
    writeFileSync(
      p('Library/LaunchDaemons/org.nixos.nix-daemon.plist'),
      `<?xml version="1.0"?><plist version="1.0"><dict><key>EnvironmentVariables</key><dict><key>NIX_SSHOPTS</key><string>${o.daemonSshOpts}</string></dict></dict></plist>\n`,
    );
  }
  if (o.determinate === true) {
    writeFileSync(p('usr/local/bin/determinate-nixd'), '#!/bin/sh\n');
    chmodSync(p('usr/local/bin/determinate-nixd'), 0o755);
  }
  // Fake macOS commands: small executables on PATH, not module mocks.
  const bin = p('bin');
  writeFileSync(join(bin, 'sw_vers'), '#!/bin/sh\necho 14.5\n', { mode: 0o755 });
  writeFileSync(
    join(bin, 'launchctl'),
    o.launchd === 'absent'
      ? '#!/bin/sh\necho "Could not find service \\"org.nixos.linux-builder\\" in domain for system" >&2\nexit 113\n'
      : o.launchd === 'crash-loop'
        ? '#!/bin/sh\nprintf "system/org.nixos.linux-builder = {\\n\\tactive count = 0\\n\\tstate = not running\\n\\truns = 57\\n\\tlast exit code = 134: Abort trap\\n}\\n"\n'
        : '#!/bin/sh\nprintf "system/org.nixos.linux-builder = {\\n\\tstate = running\\n\\tpid = 4242\\n}\\n"\n',
    { mode: 0o755 },
  );
  if (o.launchd === 'crash-loop') {
    mkdirSync(p('Library/Logs/DiagnosticReports'), { recursive: true });
    writeFileSync(p('Library/Logs/DiagnosticReports/qemu-system-aarch64-2026-11-30-101010.ips'), '{}\n');
  }
  if (o.userNixConf !== undefined) {
    mkdirSync(p('var/root/.config/nix'), { recursive: true });
    writeFileSync(p('var/root/.config/nix/nix.conf'), `# home-manager\n${o.userNixConf}\n`);
  }
  if (o.nixVersion !== undefined) {
    if (!/^[0-9][0-9.a-z+-]*$/.test(o.nixVersion)) throw new Error(`not a version: ${o.nixVersion}`);
    writeFileSync(
      join(bin, 'nix'),
      [
        '#!/bin/sh',
        `if [ "$1" = --version ]; then echo 'nix (Nix) ${o.nixVersion}'; exit 0; fi`,
        // (`nix … store ping|info …`: the real one's answer, then the trust line where it succeeded.)
        ...(o.storeTrust !== undefined
          ? [
              'case " $* " in *" store ping "*|*" store info "*)',
              `  '${realNix()}' "$@" || exit $?`,
              `  echo 'Trusted: ${o.storeTrust}' >&2; exit 0;;`,
              'esac',
            ]
          : []),
        `exec '${realNix()}' "$@"`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
  }
  return { root, bin, env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` } };
}

/** Node listeners that stand for a VM in trouble: accept then close (booting), or never speak (hung). */
export async function faultyListener(
  kind: 'close' | 'hang' | 'reset',
): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (kind === 'close') socket.end();
    else if (kind === 'reset') socket.resetAndDestroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A VM whose sshd is slow to greet: a proxy to the loopback builder that sends the first
 * `firstBytes` of the real banner at once and the rest after `delayMs`, then relays both ways.
 */
export async function slowBannerProxy(
  targetPort: number,
  firstBytes: number,
  delayMs: number,
): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    let held = Buffer.alloc(0);
    let released = false;
    upstream.on('data', (chunk: Buffer) => {
      if (released) {
        client.write(chunk);
        return;
      }
      const first = held.length === 0;
      held = Buffer.concat([held, chunk]);
      if (first) {
        client.write(held.subarray(0, firstBytes));
        held = held.subarray(firstBytes);
      }
    });
    setTimeout(() => {
      released = true;
      client.write(held);
    }, delayMs);
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.connect(targetPort, '127.0.0.1');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export function exists(path: string): boolean {
  return existsSync(path);
}
