/**
 * The real CLI against a real OpenSSH server and real Nix on loopback, one staged "Mac" per fault
 * (docs/dev/testing.md#a-loopback-builder): `probe --root <staged> --format json` must name the right cause, with evidence,
 * within bounded time; the healthy builder gives `ok` and `test` builds on it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProbeReport } from '../../src/protocol/probes.js';
import { copyableCommand } from '../../src/extension/health/format.js';
import { distCli } from '../util/paths.js';
import { requireTools } from '../util/prerequisites.js';
import {
  faultyListener,
  freePort,
  LoopbackBuilder,
  slowBannerProxy,
  stageMac,
  type MacOptions,
} from './loopbackBuilder.js';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Run the bundled CLI asynchronously (in-process fault listeners must keep serving meanwhile). */
function cli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [distCli, ...args],
      { env, timeout: timeoutMs, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

describe('probe --root against a loopback builder (real sshd, ssh and Nix)', function () {
  let builder: LoopbackBuilder | undefined;

  before(async function () {
    requireTools(this, ['sshd', 'ssh', 'ssh-keygen', 'ssh-keyscan', 'unshare', 'nix', 'nix-build']);
    if (process.getuid?.() !== 0) {
      // The namespace, the bind mounts and the builder user's files need root (docs/dev/testing.md#a-loopback-builder).
      if (process.env.CI === 'true') throw new Error('the loopback suite must run as root');
      console.warn('  SKIPPED: the loopback suite needs root');
      this.skip();
    }
    this.timeout(30_000);
    builder = await LoopbackBuilder.start();
  });

  after(function () {
    builder?.dispose();
  });

  async function probe(
    name: string,
    options: MacOptions,
    extraArgs: string[] = [],
  ): Promise<{ report: ProbeReport; run: CliRun }> {
    assert.ok(builder);
    const mac = stageMac(builder, name, options);
    const run = await cli(['probe', '--root', mac.root, '--format', 'json', ...extraArgs], mac.env);
    let report: ProbeReport;
    try {
      report = JSON.parse(run.stdout) as ProbeReport;
    } catch {
      throw new Error(
        `stdout is not the JSON report (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`,
      );
    }
    return { report, run };
  }

  function assertCause(
    report: ProbeReport,
    run: CliRun,
    cause: string,
    evidence: RegExp,
    boundMs = 20_000,
  ): void {
    const detail = JSON.stringify(report.verdict, null, 2);
    assert.equal(
      report.verdict.cause,
      cause,
      `verdict ${detail}\nresults: ${report.results.map((r) => `${r.id}=${r.status}: ${r.summary}`).join('\n')}`,
    );
    assert.equal(run.code, cause === 'ok' ? 0 : 1, 'exit code follows the verdict');
    const text = JSON.stringify(report.verdict.evidence ?? []) + report.verdict.summary;
    assert.match(text, evidence, `evidence proves it: ${detail}`);
    assert.ok(run.ms < boundMs, `bounded: took ${run.ms} ms`);
    if (cause !== 'ok') assert.ok(report.verdict.fix?.summary, 'a fix is given');
  }

  it('healthy builder: verdict ok, root logs in and the builder runs Nix', async function () {
    const { report, run } = await probe('healthy', {});
    assertCause(report, run, 'ok', /Nix 2\.8/);
    assert.equal(report.results.find((r) => r.id === 'ssh-login')?.status, 'ok');
    assert.equal(
      report.results.find((r) => r.id === 'launchd-service')?.status,
      'ok',
      'the fake launchctl on PATH is used',
    );
    assert.match(report.platform, /macOS 14\.5/, 'the fake sw_vers on PATH is used');
  });

  it('healthy builder: `test` builds on the loopback builder and shows the kernel string', async function () {
    assert.ok(builder);
    const mac = stageMac(builder, 'healthy-test', {});
    const run = await cli(['test', '--root', mac.root], mac.env);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /kernel: Linux version /);
    assert.match(run.stdout, /builder: ssh-ng:\/\/builder@linux-builder/);
    assert.match(
      run.stderr,
      /building '.*' on 'ssh-ng:\/\/builder@linux-builder'/,
      'build output is streamed',
    );
  });

  it('probe --only test-build runs the real build after the chain it needs', async function () {
    const { report, run } = await probe('only-test-build', {}, ['--only', 'test-build']);
    assertCause(report, run, 'ok', /Nix 2\.8/);
    const build = report.results.find((r) => r.id === 'test-build');
    assert.equal(build?.status, 'ok', JSON.stringify(build));
    assert.match(build?.evidence[0]?.detail ?? '', /^Linux version /);
    assert.ok(
      !report.results.some((r) => r.id === 'determinate' || r.id === 'platform'),
      'only what test-build needs ran',
    );
  });

  it("`test` on a broken builder names the root cause behind ssh's symptom", async function () {
    assert.ok(builder);
    const mac = stageMac(builder, 'test-no-include', { include: false });
    const run = await cli(['test', '--root', mac.root], mac.env);
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stderr, /ssh: Could not resolve hostname linux-builder/, 'the build output is streamed');
    assert.match(run.stdout, /^cause: ssh-config-not-included$/m);
    assert.match(run.stdout, /Could not resolve hostname linux-builder.*root cause: /);
  });

  it('`test` against a hung builder reports it instead of hanging (Nix has no ConnectTimeout)', async function () {
    assert.ok(builder);
    const listener = await faultyListener('hang');
    try {
      const mac = stageMac(builder, 'test-hang', { port: listener.port });
      const run = await cli(['test', '--root', mac.root], mac.env, 30_000);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(run.stdout, /^cause: builder-unresponsive$/m);
      assert.ok(run.ms < 15_000, `took ${run.ms} ms`);
    } finally {
      await listener.close();
    }
  });

  it('system ssh_config without Include: ssh-config-not-included, proven by ssh -G', async function () {
    const { report, run } = await probe('no-include', { include: false });
    assertCause(
      report,
      run,
      'ssh-config-not-included',
      /hostname linux-builder, port 22: the Host block in \/etc\/ssh\/ssh_config\.d\/100-linux-builder\.conf is not read, because \/etc\/ssh\/ssh_config has no Include/,
    );
    assert.match(
      JSON.stringify(report.verdict.fix),
      /\/var\/root\/\.ssh\/config/,
      'the fix gives root its own Include',
    );
    assert.doesNotMatch(
      JSON.stringify(report.verdict.fix),
      /\/etc\/hosts|protocol = "ssh"|chmod 644|publicHostKey =/,
      'never a wrong fix',
    );
  });

  it('VM down (port closed): builder-down', async function () {
    const { report, run } = await probe('vm-down', { port: await freePort() });
    assertCause(report, run, 'builder-down', /ECONNREFUSED|Connection refused/);
    assert.equal(
      report.results.find((r) => r.id === 'ssh-login')?.status,
      'skip',
      'no ssh login when the port is closed',
    );
  });

  it('port accepts then closes (VM booting): builder-booting', async function () {
    const listener = await faultyListener('close');
    try {
      const { report, run } = await probe('booting', { port: listener.port });
      assertCause(report, run, 'builder-booting', /closed with no banner/);
    } finally {
      await listener.close();
    }
  });

  it('port accepts then resets: builder-booting', async function () {
    const listener = await faultyListener('reset');
    try {
      const { report, run } = await probe('reset', { port: listener.port });
      assertCause(report, run, 'builder-booting', /reset with no banner|closed with no banner/);
    } finally {
      await listener.close();
    }
  });

  it('port accepts and never speaks (hung VM): builder-unresponsive within the timeouts', async function () {
    const listener = await faultyListener('hang');
    try {
      const { report, run } = await probe('hang', { port: listener.port });
      // vm-port waits BANNER_PATIENCE_MS (src/probes/checks/vmPort.ts) before calling a silent port
      // hung (a slow sshd is not a hung one): its verdict within the 6 s bound of a hung VM, and the
      // whole CLI run (node's start and the probes before it included) within 10 s on a loaded
      // machine. 10 s of patience took 10–11.75 s for the probe run, over 13 s for the CLI here.
      assertCause(report, run, 'builder-unresponsive', /no banner within/, 10_000);
      const port = report.results.find((r) => r.id === 'vm-port');
      assert.ok(
        (port?.durationMs ?? Infinity) <= 6000,
        `vm-port took ${port?.durationMs} ms: ${port?.summary}`,
      );
    } finally {
      await listener.close();
    }
  });

  it("wrong client key: auth-rejected from ssh's own words", async function () {
    const { report, run } = await probe('wrong-key', { key: 'foreign' });
    assertCause(report, run, 'auth-rejected', /Permission denied \(publickey/);
  });

  /** A probe run with this publicHostKey pinned: host-key-mismatch, found by host-key itself. */
  async function pinnedMismatch(name: string, publicHostKey: 'other' | 'other-type') {
    const { report, run } = await probe(name, { publicHostKey });
    assertCause(
      report,
      run,
      'host-key-mismatch',
      /not the one pinned|REMOTE HOST IDENTIFICATION HAS CHANGED/,
    );
    const hostKey = report.results.find((r) => r.id === 'host-key');
    assert.equal(
      hostKey?.cause,
      'host-key-mismatch',
      `the host-key probe itself finds it, before the login: ${JSON.stringify(hostKey)}`,
    );
    return hostKey;
  }

  it('host key mismatch (publicHostKey of another key): host-key-mismatch', async function () {
    await pinnedMismatch('host-key-mismatch', 'other');
  });

  it('host key pinned of a type the builder does not serve (ECDSA against Ed25519): host-key-mismatch, naming what it serves', async function () {
    const hostKey = await pinnedMismatch('host-key-other-type', 'other-type');
    // Asked first for ECDSA only (the type ssh would accept), which the builder does not have:
    // the scan of every type that followed says what it does serve.
    assert.match(hostKey?.evidence[0]?.detail ?? '', /server offers: ssh-ed25519$/);
    assert.ok(!(hostKey?.evidence[0]?.argv ?? []).includes('-t'), JSON.stringify(hostKey?.evidence[0]));
  });

  it('missing key: key-missing', async function () {
    const { report, run } = await probe('missing-key', { key: 'missing' });
    assertCause(report, run, 'key-missing', /builder_ed25519.*does not exist/);
  });

  for (const firstBytes of [2, 0]) {
    it(`a builder whose banner comes after 3.5 s (${firstBytes > 0 ? '"SS" at once' : 'nothing before'}): slow but SSH, and it works`, async function () {
      this.timeout(60_000);
      assert.ok(builder);
      const proxy = await slowBannerProxy(builder.port, firstBytes, 3500);
      try {
        const { report, run } = await probe(`slow-banner-${firstBytes}`, { port: proxy.port });
        assertCause(report, run, 'ok', /Nix 2\.8/, 40_000);
        const port = report.results.find((r) => r.id === 'vm-port');
        assert.equal(port?.status, 'warn', JSON.stringify(port));
        assert.match(port?.summary ?? '', /answers SSH .*banner took 3\.\d s/);
        assert.doesNotMatch(port?.summary ?? '', /another service/);
      } finally {
        await proxy.close();
      }
    });
  }

  it('the accepted key protected by a passphrase: key-passphrase, not auth-rejected', async function () {
    const { report, run } = await probe('key-passphrase', { key: 'passphrase' });
    assertCause(report, run, 'key-passphrase', /incorrect passphrase supplied/);
    assert.equal(
      report.results.find((r) => r.id === 'ssh-login')?.cause,
      'auth-rejected',
      'ssh itself only says the login was rejected',
    );
    assert.ok(
      report.verdict.fix?.commands?.some((c) => /^sudo ssh-keygen -p -N '' -f /.test(c)),
      JSON.stringify(report.verdict.fix),
    );
  });

  it('key mode 0644 owned by root (the account ssh runs as): key-permissions', async function () {
    const { report, run } = await probe('key-0644', { keyMode: 0o644 });
    assertCause(report, run, 'key-permissions', /mode 0644, owner uid 0/);
    assert.match(
      JSON.stringify(report.verdict.evidence),
      /UNPROTECTED PRIVATE KEY FILE|bad permissions/,
      "ssh's own words corroborate it",
    );
    assert.doesNotMatch(
      JSON.stringify(report.verdict.fix),
      /chmod 644|chown \$USER|chmod a\+r/,
      'never hand the key to the user',
    );
  });

  it('no nix on the builder (PATH=/var/empty): remote-nix-missing', async function () {
    assert.ok(builder);
    const pub = (await import('node:fs')).readFileSync(`${builder.clientKey}.pub`, 'utf8');
    builder.setAuthorizedKeys(`environment="PATH=/var/empty" ${pub}`);
    try {
      const { report, run } = await probe('no-nix', {});
      assertCause(report, run, 'remote-nix-missing', /nix-daemon: command not found/);
    } finally {
      builder.resetAuthorizedKeys();
    }
  });

  it('protocol ssh (nix-store --serve): healthy is ok, and without nix on the builder names nix-store', async function () {
    assert.ok(builder);
    const healthy = await probe('ssh-protocol', { protocol: 'ssh' });
    assertCause(healthy.report, healthy.run, 'ok', /ssh:\/\/builder@linux-builder|Nix 2\.8/);
    const pub = (await import('node:fs')).readFileSync(`${builder.clientKey}.pub`, 'utf8');
    builder.setAuthorizedKeys(`environment="PATH=/var/empty" ${pub}`);
    try {
      const { report, run } = await probe('ssh-protocol-no-nix', { protocol: 'ssh' });
      assertCause(report, run, 'remote-nix-missing', /nix-store: command not found/);
    } finally {
      builder.resetAuthorizedKeys();
    }
  });

  it('no builder configured (no machines file): no-builder-configured', async function () {
    const { report, run } = await probe('no-builder', { machines: false });
    assertCause(report, run, 'no-builder-configured', /machines/);
  });

  it('Host block without HostKeyAlias: host-key-unknown (the pinned key is filed under another name)', async function () {
    const { report, run } = await probe('no-alias', { hostKeyAlias: false });
    assertCause(report, run, 'host-key-unknown', /\[localhost\]:\d+/);
  });

  it('Host block without HostKeyAlias, but the global known_hosts has the key under [localhost]:port: ok, as ssh accepts it', async function () {
    // --only host-key: no run-wide connection, so host-key judges the files itself (its fallback).
    const only = ['--only', 'host-key'];
    const { report, run } = await probe(
      'no-alias-global',
      { hostKeyAlias: false, globalKnownHosts: true },
      only,
    );
    const hostKey = report.results.find((r) => r.id === 'host-key');
    assert.equal(hostKey?.status, 'ok', `${hostKey?.summary}\n${run.stderr}`);
    assert.match(hostKey?.summary ?? '', /global known_hosts as '\[localhost\]:\d+'/);
    // The same Mac without that file: the fallback says what the full run says (host-key-unknown).
    const without = await probe('no-alias-only', { hostKeyAlias: false }, only);
    assertCause(without.report, without.run, 'host-key-unknown', /\[localhost\]:\d+/);
    // And a full run, whose connection is ssh's own answer, agrees with the first.
    const full = await probe('no-alias-global-full', { hostKeyAlias: false, globalKnownHosts: true });
    assertCause(full.report, full.run, 'ok', /Nix 2\.8/);
  });

  it('no Host block at all (drop-in disabled): hostname-unresolved, and the fix is not /etc/hosts', async function () {
    const { report, run } = await probe('no-host-block', { hostBlock: false });
    assertCause(report, run, 'hostname-unresolved', /linux-builder/);
    assert.doesNotMatch(report.verdict.fix?.summary ?? '', /add .*\/etc\/hosts/i);
  });

  it('builders = (empty) with a machines file: distributed-builds-off', async function () {
    const { report, run } = await probe('distributed-off', { buildersLine: 'builders =' });
    assertCause(report, run, 'distributed-builds-off', /builders is empty/);
  });

  it("Determinate Nix next to nix-darwin's builder: determinate-conflict", async function () {
    const { report, run } = await probe('determinate', { determinate: true });
    assertCause(report, run, 'determinate-conflict', /determinate-nixd/);
  });

  it('publicHostKey of the bare blob: named as a host key problem', async function () {
    const { report, run } = await probe('bare-blob', { publicHostKey: 'bare-blob' });
    assertCause(report, run, 'host-key-mismatch', /WHOLE line/);
  });

  it("the corporate fix works: root's own config Includes the drop-in while ssh_config has no Include → ok", async function () {
    const { report, run } = await probe('root-include', { include: false, rootConfigInclude: true });
    assertCause(report, run, 'ok', /Nix 2\.8/);
  });

  it("Determinate's VM alias (nixos-vm-based-linux-builder) is probed like any builder", async function () {
    const { report, run } = await probe('determinate-alias', {
      alias: 'nixos-vm-based-linux-builder',
      launchd: 'absent',
    });
    assertCause(report, run, 'ok', /nixos-vm-based-linux-builder/);
    assert.equal(
      report.results.find((r) => r.id === 'launchd-service')?.status,
      'skip',
      "not nix-darwin's service",
    );
  });

  it("no publicHostKey: root's known_hosts decides (known → ok, empty → host-key-unknown)", async function () {
    const known = await probe('known-hosts', { publicHostKey: 'none', rootKnownHosts: true });
    assertCause(known.report, known.run, 'ok', /Nix 2\.8/);
    const unknown = await probe('unknown-host', { publicHostKey: 'none' });
    assertCause(
      unknown.report,
      unknown.run,
      'host-key-unknown',
      /Host key verification failed|no key for 'linux-builder'/,
    );
  });

  it("a 0644 key owned by another user is accepted by root's ssh (not key-permissions), with a warning", async function () {
    const { report, run } = await probe('key-other-owner', { keyMode: 0o644, keyOwner: 501 });
    assertCause(report, run, 'ok', /Nix 2\.8/);
    assert.equal(report.results.find((r) => r.id === 'builder-key')?.status, 'warn');
  });

  it('a builder written inline in nix.conf builders is found', async function () {
    const { report, run } = await probe('inline', { inline: true });
    assertCause(report, run, 'ok', /Nix 2\.8/);
  });

  it("the nix-daemon's NIX_SSHOPTS (nix.envVars in its plist) are applied like Nix applies them", async function () {
    const { report, run } = await probe('daemon-sshopts', { daemonSshOpts: '-oHostKeyAlias=somewhere-else' });
    assertCause(report, run, 'host-key-unknown', /somewhere-else/);
  });

  it('an ssh user the builder does not know: auth-rejected', async function () {
    const { report, run } = await probe('wrong-user', { sshUser: 'nobody' });
    assertCause(report, run, 'auth-rejected', /Permission denied \(publickey/);
  });

  it('Nix 2.31.2 with a `localhost` builder: localhost-skips-ssh, not ok (its `nix store info` would ask the local daemon)', async function () {
    // The Host block `localhost` makes ssh reach the loopback builder; the real Nix (2.8) still uses
    // ssh, but a 2.31.2 would not (NixOS/nix#14148): the version decides, and 2.31.3 is fine.
    const affected = await probe('nix-2.31.2-localhost', { alias: 'localhost', nixVersion: '2.31.2' });
    assertCause(affected.report, affected.run, 'localhost-skips-ssh', /2\.31\.2.*#14148/);
    assert.equal(affected.report.nixVersion, '2.31.2', 'the fake nix --version is what the probes read');
    assert.match(affected.report.verdict.fix?.summary ?? '', /2\.31\.3/);
    assert.match(affected.report.verdict.fix?.summary ?? '', /\[127\.0\.0\.1\]:\d+/);
    const fixed = await probe('nix-2.31.3-localhost', { alias: 'localhost', nixVersion: '2.31.3' });
    assertCause(fixed.report, fixed.run, 'ok', /Nix 2\.8/);
  });

  it('a builder whose Nix does not trust the user (Nix 2.18 prints `Trusted: 0`): builder-untrusted, as for the `Trusted: false` of a fork; `Trusted: true` is ok, trusted', async function () {
    const untrusted = await probe('store-untrusted', { nixVersion: '2.18.2', storeTrust: '0' });
    assertCause(untrusted.report, untrusted.run, 'builder-untrusted', /Trusted: 0.*does not trust builder/);
    const remote = untrusted.report.results.find((r) => r.id === 'remote-nix');
    assert.match(remote?.evidence[0]?.detail ?? '', /Trusted: 0/, JSON.stringify(remote));
    // The spelling a fork prints: the summary quotes what was printed.
    const spelled = await probe('store-untrusted-false', { nixVersion: '2.18.2', storeTrust: 'false' });
    assertCause(spelled.report, spelled.run, 'builder-untrusted', /Trusted: false: .*does not trust builder/);
    const trusted = await probe('store-trusted', { nixVersion: '2.18.2', storeTrust: 'true' });
    assertCause(trusted.report, trusted.run, 'ok', /runs Nix 2\.8\.0, trusted/);
  });

  it("`builders =` in the user's own nix.conf: builders-overridden naming that file, not distributed-builds-off", async function () {
    const { report, run } = await probe('user-builders-empty', { userNixConf: 'builders =' });
    assertCause(report, run, 'builders-overridden', /\/var\/root\/\.config\/nix\/nix\.conf line 2/);
    assert.doesNotMatch(report.verdict.fix?.summary ?? '', /Set `nix\.distributedBuilds = true/);
    assert.ok(
      report.verdict.fix?.commands?.some((c) => c.includes('/var/root/.config/nix/nix.conf')),
      JSON.stringify(report.verdict.fix),
    );
    // nix-darwin's own `builders =` in /etc/nix/nix.conf is still distributed-builds-off.
    const system = await probe('system-builders-empty', { buildersLine: 'builders =' });
    assertCause(system.report, system.run, 'distributed-builds-off', /builders is empty/);
  });

  it('VM crash loop (launchd: runs 57, last exit code 134, a QEMU crash report): builder-crash-loop, not "restart it"', async function () {
    const { report, run } = await probe('crash-loop', { port: await freePort(), launchd: 'crash-loop' });
    assertCause(
      report,
      run,
      'builder-crash-loop',
      /runs = 57.*last exit code = 134|qemu-system-aarch64-.*\.ips/s,
    );
    assert.match(report.verdict.summary, /57 times.*134/);
    assert.match(JSON.stringify(report.verdict.evidence), /qemu-system-aarch64-2026-11-30-101010\.ips/);
    assert.match(report.verdict.fix?.summary ?? '', /nix\.linux-builder\.package/);
    assert.ok(
      !(report.verdict.fix?.commands ?? []).some((c) => /kickstart/.test(c)),
      'a restart is not the fix',
    );
  });

  it("Determinate's native builder (external-builders, no SSH entry): recognised and reported, not no-builder-configured", async function () {
    const external =
      'external-builders = [{"systems":["aarch64-linux","x86_64-linux"],"program":"/usr/local/bin/determinate-nixd","args":["builder"]}]';
    const options: MacOptions = {
      machines: false,
      launchd: 'absent',
      determinate: true,
      nixConfExtra: external,
    };
    // external-builders names a program Nix runs: a staged root must be trusted before nix runs on it.
    const untrusted = await probe('determinate-native-untrusted', options);
    assert.match(
      untrusted.report.verdict.summary,
      /external-builders at .*nix\.conf:\d+ would run a command/,
    );
    const { report, run } = await probe('determinate-native', options, ['--trust-root']);
    assertCause(report, run, 'ok', /Linux builds go to Determinate's native Linux builder/);
    const machines = report.results.find((r) => r.id === 'machines-file');
    assert.equal(machines?.status, 'ok', JSON.stringify(machines));
    assert.match(
      machines?.summary ?? '',
      /Determinate's native Linux builder \(`\/usr\/local\/bin\/determinate-nixd builder`\) for aarch64-linux, x86_64-linux/,
    );
    assert.equal(
      report.results.find((r) => r.id === 'ssh-login')?.status,
      'skip',
      'no SSH builder to log in to',
    );
  });

  it('"Copy Command" of the ssh login, run as printed after the probe ended, logs in to the healthy builder', async function () {
    // The argv names the pinned host key and (staged root) the generated ssh config: both must
    // still exist when the user pastes it, or ssh says "Host key verification failed." on a healthy builder.
    const { report, run } = await probe('copy-command', {});
    assertCause(report, run, 'ok', /Nix 2\.8/);
    const login = report.results.find((r) => r.id === 'ssh-login');
    assert.ok(login);
    const command = copyableCommand(login);
    assert.ok(command !== undefined && /UserKnownHostsFile=/.test(command), command);
    const pasted = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile('sh', ['-c', command], { timeout: 20_000 }, (error, _stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stderr }),
      );
    });
    assert.equal(pasted.code, 0, `${command}\n${pasted.stderr}`);
  });

  /** ssh processes whose command line names `dir` (a master left running would). */
  function sshProcessesIn(dir: string): Promise<string> {
    return new Promise((resolve) =>
      execFile('pgrep', ['-a', '-f', `ControlPath=${dir}`], (_error, stdout) => resolve(stdout.trim())),
    );
  }

  /** No ssh of the run outlives it, and its socket folder is gone (src/probes/sharedSsh.ts). */
  async function assertConnectionGone(scratch: string): Promise<void> {
    assert.equal(await sshProcessesIn(scratch), '', 'no ssh of the run outlives it');
    const left = readdirSync(scratch).filter((name) => name.startsWith('lbd-ssh-'));
    assert.deepEqual(left, [], 'the socket directory is removed at the end of the run');
  }

  /** Waits until sshd has logged `count` more logins than `before` (it logs each as it happens), or 3 s. */
  async function loginsSince(loopback: LoopbackBuilder, before: number, count: number): Promise<number> {
    const deadline = Date.now() + 3000;
    while (loopback.logins() - before < count && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    // A moment more: a login too many would show up now.
    await new Promise((r) => setTimeout(r, 300));
    return loopback.logins() - before;
  }

  it("healthy builder: one SSH login for the whole run (ssh-login, remote-nix's ssh and Nix's ssh share it), closed at the end", async function () {
    assert.ok(builder);
    const loopback = builder;
    // The run's temporary folder: where the private socket directory is made (and must be gone after).
    const scratch = mkdtempSync(join(tmpdir(), 'lbd-mux-test-'));
    try {
      const mac = stageMac(loopback, 'shared-connection', {});
      const before = loopback.logins();
      const run = await cli(['probe', '--root', mac.root, '--format', 'json'], {
        ...mac.env,
        TMPDIR: scratch,
      });
      const report = JSON.parse(run.stdout) as ProbeReport;
      assertCause(report, run, 'ok', /Nix 2\.8/);
      // Each connection of its own is one more login in sshd's log: three before the shared one.
      assert.equal(await loginsSince(loopback, before, 1), 1, loopback.sshdLog.slice(-3000));
      await assertConnectionGone(scratch);
      // What a user reads and pastes never names the socket: it is gone after the run.
      const text = JSON.stringify(report);
      assert.doesNotMatch(text, /Control(Path|Master|Persist)|lbd-ssh-/);
      // ssh verified the host key when the connection logged in: no key exchange of ssh-keyscan's own.
      const hostKey = report.results.find((r) => r.id === 'host-key');
      assert.equal(hostKey?.status, 'ok', JSON.stringify(hostKey));
      assert.match(hostKey?.summary ?? '', /ssh accepted the server's host key .*pinned: ssh-ed25519/);
      assert.deepEqual(hostKey?.evidence[0]?.argv?.slice(-2), ['builder@linux-builder', 'true']);
      assert.ok(!JSON.stringify(report).includes('ssh-keyscan'), 'no scan');
      // Nix answered over the shared connection, so the remote program was not run on its own.
      const remote = report.results.find((r) => r.id === 'remote-nix');
      assert.ok(remote);
      assert.match(copyableCommand(remote) ?? '', / store (info|ping) --store /);
      assert.ok(!JSON.stringify(remote.evidence).includes('nix-daemon --version'), JSON.stringify(remote));
      const login = report.results.find((r) => r.id === 'ssh-login');
      assert.ok(login);
      const shown = copyableCommand(login);
      assert.ok(shown !== undefined && / true$/.test(shown), shown);
      const pasted = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          'sh',
          ['-c', `${shown.replace(/ true$/, '')} nix-daemon --version`],
          { timeout: 20_000 },
          (error, stdout, stderr) =>
            resolve({
              code: error === null ? 0 : typeof error.code === 'number' ? error.code : null,
              stdout,
              stderr,
            }),
        );
      });
      assert.equal(pasted.code, 0, `${shown}\n${pasted.stderr}`);
      assert.match(pasted.stdout, /2\.8/);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('a run cut short while Nix on the builder hangs: the shared connection is closed and its directory removed', async function () {
    assert.ok(builder);
    const loopback = builder;
    // The login works (`true` is bash's own), `nix-daemon --version` never answers.
    const slow = join(loopback.base, 'slow-bin');
    mkdirSync(slow, { recursive: true });
    writeFileSync(join(slow, 'nix-daemon'), '#!/bin/sh\nexec /bin/sleep 60\n');
    chmodSync(slow, 0o755);
    chmodSync(join(slow, 'nix-daemon'), 0o755);
    const pub = readFileSync(`${loopback.clientKey}.pub`, 'utf8');
    loopback.setAuthorizedKeys(`environment="PATH=${slow}" ${pub}`);
    const scratch = mkdtempSync(join(tmpdir(), 'lbd-mux-test-'));
    try {
      const mac = stageMac(loopback, 'shared-connection-hung', {});
      const run = await cli(['probe', '--root', mac.root, '--format', 'json', '--timeout-ms', '5000'], {
        ...mac.env,
        TMPDIR: scratch,
      });
      const report = JSON.parse(run.stdout) as ProbeReport;
      assert.equal(report.results.find((r) => r.id === 'ssh-login')?.status, 'ok', run.stdout);
      assert.notEqual(report.verdict.cause, 'ok', 'a run cut short proves nothing');
      assert.ok(run.ms < 10_000, `bounded: took ${run.ms} ms`);
      // After the deadline too.
      await assertConnectionGone(scratch);
    } finally {
      loopback.resetAuthorizedKeys();
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('a login whose sessions fail while the connection is up: remote-nix, started alongside the login, is not run and none of its commands outlives the run', async function () {
    assert.ok(builder);
    const loopback = builder;
    // The key logs in (the connection opened ahead comes up), but every session runs `exit 3`.
    const pub = readFileSync(`${loopback.clientKey}.pub`, 'utf8');
    loopback.setAuthorizedKeys(`command="exit 3" ${pub}`);
    const scratch = mkdtempSync(join(tmpdir(), 'lbd-mux-test-'));
    try {
      const mac = stageMac(loopback, 'shared-connection-session-fails', {});
      const run = await cli(['probe', '--root', mac.root, '--format', 'json'], {
        ...mac.env,
        TMPDIR: scratch,
      });
      const report = JSON.parse(run.stdout) as ProbeReport;
      const login = report.results.find((r) => r.id === 'ssh-login');
      assert.equal(login?.status, 'fail', run.stdout);
      assert.match(login?.summary ?? '', /exit 3/);
      const remote = report.results.find((r) => r.id === 'remote-nix');
      assert.equal(remote?.status, 'skip', JSON.stringify(remote));
      assert.match(remote?.summary ?? '', /^not run: ssh login as root \(like the nix-daemon\) failed/);
      assert.deepEqual(remote?.evidence, [], 'nothing of what it started early is reported');
      assert.equal(report.verdict.cause, 'unknown');
      await assertConnectionGone(scratch);
    } finally {
      loopback.resetAuthorizedKeys();
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it("a builders setting the files alone do not show (an `include` in nix.conf): the builder Nix names is the one checked, never over the connection opened ahead for the files' builder", async function () {
    assert.ok(builder);
    const loopback = builder;
    const scratch = mkdtempSync(join(tmpdir(), 'lbd-mux-test-'));
    try {
      const mac = stageMac(loopback, 'included-builders', {});
      // Nix follows the include; the doctor's early reading does not (likelyVmTarget), and
      // connects ahead to /etc/nix/machines' builder, which logs in. The builder Nix names logs in
      // as a user the VM does not have: a login that joined that connection would pass.
      const line = readFileSync(join(mac.root, 'etc/nix/machines'), 'utf8').replace(
        'ssh-ng://builder@',
        'ssh-ng://nobody@',
      );
      writeFileSync(join(mac.root, 'etc/nix/machines-included'), line);
      writeFileSync(
        join(mac.root, 'etc/nix/included.conf'),
        `builders = @${mac.root}/etc/nix/machines-included\n`,
      );
      appendFileSync(join(mac.root, 'etc/nix/nix.conf'), `include ${mac.root}/etc/nix/included.conf\n`);
      const run = await cli(['probe', '--root', mac.root, '--format', 'json'], {
        ...mac.env,
        TMPDIR: scratch,
      });
      const report = JSON.parse(run.stdout) as ProbeReport;
      assertCause(report, run, 'auth-rejected', /Permission denied \(publickey/);
      assert.match(JSON.stringify(report), /machines-included line 2/, 'the entry Nix reads');
      const login = report.results.find((r) => r.id === 'ssh-login');
      assert.ok(login?.evidence[0]?.argv?.includes('nobody@linux-builder'), JSON.stringify(login));
      await assertConnectionGone(scratch);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it("root's ssh config not read (the Host block is not included): ssh-config-not-included, and the connection opened ahead is ended", async function () {
    assert.ok(builder);
    const scratch = mkdtempSync(join(tmpdir(), 'lbd-mux-test-'));
    try {
      const mac = stageMac(builder, 'not-included-ahead', { include: false });
      const run = await cli(['probe', '--root', mac.root, '--format', 'json'], {
        ...mac.env,
        TMPDIR: scratch,
      });
      const report = JSON.parse(run.stdout) as ProbeReport;
      assertCause(
        report,
        run,
        'ssh-config-not-included',
        /the Host block in \/etc\/ssh\/ssh_config\.d\/100-linux-builder\.conf is not read/,
      );
      await assertConnectionGone(scratch);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('text format: progress on stderr as probes complete, verdict on stdout', async function () {
    assert.ok(builder);
    const mac = stageMac(builder, 'text', {});
    const run = await cli(['probe', '--root', mac.root], mac.env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /\[1\/14\] /);
    assert.match(run.stderr, /\[14\/14\] /);
    assert.match(run.stdout, /^verdict: ok$/m);
  });

  it('report: Markdown with versions, every probe and the verdict, no private key material', async function () {
    assert.ok(builder);
    const mac = stageMac(builder, 'report', { include: false });
    const run = await cli(['report', '--root', mac.root], mac.env);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^# Linux Builder Doctor report/m);
    assert.match(run.stdout, /- Nix: 2\.8/);
    assert.match(run.stdout, /\*\*ssh-config-not-included\*\*/);
    assert.match(run.stdout, /`ssh-login`/);
    assert.doesNotMatch(run.stdout, /PRIVATE KEY/);
  });
});
