/**
 * Wall time of a full probe run against the loopback builder (real sshd + Nix, docs/dev/testing.md#a-loopback-builder) for a
 * healthy, a VM-down and a hung builder, next to `nix store ping` against the same builder as Nix
 * itself would run it. Nix sets no ConnectTimeout, so on the hung builder `nix store ping` never
 * returns: it is killed after HANG_KILL_S seconds and shown as "> N s (killed)".
 */
import { spawn } from 'node:child_process';
import { findExecutable } from '../test/util/prerequisites.js';
import { faultyListener, freePort, LoopbackBuilder, stageMac } from '../test/loopback/loopbackBuilder.js';
import { runProbes } from '../src/probes/run.js';

const HANG_KILL_S = 10;

/** `nix store ping` as Nix's daemon would connect (same staged ssh config); null when killed. */
function nixStorePing(
  root: string,
  env: NodeJS.ProcessEnv,
  uri: string,
  killAfterMs: number,
): Promise<{ ms: number; killed: boolean; code: number | null }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(
      'nix',
      ['--extra-experimental-features', 'nix-command', 'store', 'ping', '--store', uri],
      {
        env: { ...env, NIX_CONF_DIR: `${root}/etc/nix`, NIX_SSHOPTS: `-F ${root}/etc/ssh/bench_ssh_config` },
        stdio: 'ignore',
        detached: true,
      },
    );
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      } catch {
        /* gone */
      }
    }, killAfterMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ ms: Date.now() - started, killed, code });
    });
  });
}

export async function benchProbes(): Promise<void> {
  console.log('\n## probes (loopback builder: real sshd, ssh and Nix)');
  const missing = ['sshd', 'ssh', 'unshare', 'nix'].filter((t) => findExecutable(t) === null);
  if (missing.length > 0 || process.getuid?.() !== 0) {
    console.log(`(skipped: needs root and ${missing.join(', ') || 'nothing else'})`);
    return;
  }
  const builder = await LoopbackBuilder.start();
  const hung = await faultyListener('hang');
  try {
    const cases: { name: string; port: number }[] = [
      { name: 'healthy', port: builder.port },
      { name: 'VM down', port: await freePort() },
      { name: 'hung builder', port: hung.port },
    ];
    console.log('| case | full probe run | verdict | nix store ping |');
    console.log('|---|---|---|---|');
    for (const c of cases) {
      const mac = stageMac(builder, `bench-${c.name.replace(/\s+/g, '-')}`, { port: c.port });
      // Nix's own view: the staged system ssh config (with its Include) through NIX_SSHOPTS -F.
      const { writeFileSync } = await import('node:fs');
      writeFileSync(`${mac.root}/etc/ssh/bench_ssh_config`, `Include ${mac.root}/etc/ssh/ssh_config\n`);
      const started = Date.now();
      const report = await runProbes({ root: mac.root, env: mac.env });
      const probeMs = Date.now() - started;
      const hostKey = Buffer.from(builder.hostKeyPub).toString('base64');
      const uri = `ssh-ng://builder@linux-builder?ssh-key=${encodeURIComponent(`${mac.root}/etc/nix/builder_ed25519`)}&base64-ssh-public-host-key=${encodeURIComponent(hostKey)}`;
      const ping = await nixStorePing(mac.root, mac.env, uri, HANG_KILL_S * 1000);
      const pingText = ping.killed
        ? `> ${HANG_KILL_S} s (killed)`
        : `${(ping.ms / 1000).toFixed(2)} s (exit ${ping.code ?? 'signal'})`;
      console.log(`| ${c.name} | ${(probeMs / 1000).toFixed(2)} s | ${report.verdict.cause} | ${pingText} |`);
    }
  } finally {
    await hung.close();
    builder.dispose();
  }
}
