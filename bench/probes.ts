/**
 * Wall time of a full probe run against the loopback builder (real sshd + Nix, docs/dev/testing.md#a-loopback-builder) for a
 * healthy, a VM-down and a hung builder, next to `nix store ping` against the same builder as Nix
 * itself would run it. Nix sets no ConnectTimeout, so on the hung builder `nix store ping` never
 * returns: it is killed after HANG_KILL_S seconds and shown as "> N s (killed)".
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { findExecutable } from '../test/util/prerequisites.js';
import { faultyListener, freePort, LoopbackBuilder, stageMac } from '../test/loopback/loopbackBuilder.js';
import { runProbes } from '../src/probes/run.js';
import { median, ratioSpread, spread } from './stats.js';

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

/** Probe runs (and pings) per case: the healthy ratio is measured in pairs, probe run then ping. */
const RUNS: Record<string, number> = { healthy: 9, 'VM down': 5, 'hung builder': 3 };
/** Issue 7/8 bounds of a whole probe run, and goal 5: healthy ≤ 1.5× `nix store ping`. */
const BOUND_S: Record<string, number> = { 'VM down': 1, 'hung builder': 6 };

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
    console.log(
      `Interleaved: probe run, then \`nix store ping\` as Nix connects (one warm-up pair not counted); median (min–max). This process: ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB resident.`,
    );
    console.log(
      '| case | runs | full probe run | verdict | SSH logins per run | nix store ping | run / ping | target |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const c of cases) {
      const mac = stageMac(builder, `bench-${c.name.replace(/\s+/g, '-')}`, { port: c.port });
      // Nix's own view: the staged system ssh config (with its Include) through NIX_SSHOPTS -F.
      writeFileSync(`${mac.root}/etc/ssh/bench_ssh_config`, `Include ${mac.root}/etc/ssh/ssh_config\n`);
      const hostKey = Buffer.from(builder.hostKeyPub).toString('base64');
      const uri = `ssh-ng://builder@linux-builder?ssh-key=${encodeURIComponent(`${mac.root}/etc/nix/builder_ed25519`)}&base64-ssh-public-host-key=${encodeURIComponent(hostKey)}`;
      const runs = RUNS[c.name] ?? 3;
      const probeMs: number[] = [];
      const pingMs: number[] = [];
      const ratios: number[] = [];
      const verdicts = new Set<string>();
      let logins = 0;
      let killed = false;
      // The hung builder's ping never returns (Nix has no ConnectTimeout): once is enough.
      const pings = c.name === 'hung builder' ? 1 : runs;
      for (let i = -1; i < runs; i++) {
        const before = builder.logins();
        const started = Date.now();
        const report = await runProbes({ root: mac.root, env: mac.env });
        const ms = Date.now() - started;
        // sshd logs a login as it happens; give the last line a moment to arrive.
        await new Promise((r) => setTimeout(r, 200));
        const ranLogins = builder.logins() - before;
        if (i < 0) continue;
        probeMs.push(ms);
        verdicts.add(report.verdict.cause);
        logins = Math.max(logins, ranLogins);
        if (i >= pings) continue;
        const ping = await nixStorePing(mac.root, mac.env, uri, HANG_KILL_S * 1000);
        killed ||= ping.killed;
        pingMs.push(ping.ms);
        if (!ping.killed) ratios.push(ms / ping.ms);
      }
      const seconds = (values: number[]) => {
        const { min, median: mid, max } = spread(values);
        return `${(mid / 1000).toFixed(2)} s (${(min / 1000).toFixed(2)}–${(max / 1000).toFixed(2)})`;
      };
      const pingText = killed ? `> ${HANG_KILL_S} s (killed)` : seconds(pingMs);
      const ratioText = ratios.length > 0 ? ratioSpread(spread(ratios)) : '—';
      const bound = BOUND_S[c.name];
      const target =
        bound !== undefined
          ? `run ≤ ${bound} s: ${median(probeMs) <= bound * 1000 ? 'met' : 'NOT met'}`
          : `≤ 1.50x: ${median(ratios) <= 1.5 ? 'met' : 'NOT met'}`;
      console.log(
        `| ${c.name} | ${runs} | ${seconds(probeMs)} | ${[...verdicts].join(', ')} | ${logins} | ${pingText} | ${ratioText} | ${target} |`,
      );
    }
  } finally {
    await hung.close();
    builder.dispose();
  }
}
