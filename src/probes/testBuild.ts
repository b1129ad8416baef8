/**
 * The real test: a build that can only happen on the Linux builder (DOMAIN.md §6.9). A nixpkgs-free
 * derivation for the builder's system (builder /bin/sh, shell builtins only — in a build PATH is
 * /path-not-set — reading /proc/version), a random nonce so nothing is cached, `--max-jobs 0` so the
 * local machine may not build it, and substituters off so it cannot be downloaded. `nix-build` is
 * used because it exists in every Nix version and prints the output path (Nix 2.8 has no
 * --print-out-paths). Through the daemon (non-root users) the build goes exactly the daemon's way.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { arch } from 'node:os';
import type { CauseId, ProbeFix } from '../protocol/probes.js';
import { buildersSettingProbe } from './checks/buildersSetting.js';
import { machinesFileProbe } from './checks/machinesFile.js';
import { nixInstallProbe } from './checks/nixInstall.js';
import { ProbeContext } from './context.js';
import { classifyStderr, describeNixWrapper } from './stderrClassifier.js';
import { fixFor } from './fixes.js';
import { fixFacts } from './checks/common.js';

export interface TestBuildOptions {
  system?: string;
  root?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onOutput?: (chunk: string) => void;
  /** Overall bound for the build (default 10 minutes); the child is killed after it. */
  timeoutMs?: number;
  /** When the build fails, run the probes to name the root cause behind ssh's symptom (default true). */
  diagnose?: boolean;
  /** Check first that the builder's port speaks SSH, so a hung builder is reported instead of hanging the build (default true). */
  preflight?: boolean;
}

export interface TestBuildResult {
  ok: boolean;
  system: string;
  kernel?: string;
  durationMs: number;
  cause?: CauseId;
  summary: string;
  fix?: ProbeFix;
  argv: string[];
  /** The store URI Nix reported building on ("building '…' on 'ssh-ng://…'"). */
  builder?: string;
}

/** The derivation expression: no nixpkgs, no channel, works for flake-only users. */
export function testDerivationExpr(system: string, nonce: string): string {
  const script = 'read v < /proc/version; echo \\"$v\\" > $out';
  return `derivation { name = "linux-builder-doctor-test"; system = "${system}"; builder = "/bin/sh"; args = [ "-c" "${script}" ]; nonce = "${nonce}"; }`;
}

function defaultSystem(): string {
  return arch() === 'arm64' ? 'aarch64-linux' : 'x86_64-linux';
}

export async function runTestBuild(options: TestBuildOptions): Promise<TestBuildResult> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 600_000;
  const ctx = new ProbeContext({ root: options.root, env: options.env, signal: options.signal, deadline: started + timeoutMs });
  try {
    let system = options.system;
    if (system === undefined) {
      // The builder's own system: what its machines entry says it builds.
      await nixInstallProbe.run(ctx);
      await buildersSettingProbe.run(ctx);
      await machinesFileProbe.run(ctx);
      system = ctx.facts.target?.systems.find((s) => s.endsWith('-linux')) ?? defaultSystem();
    }
    const argv = ['nix-build', '--no-out-link', '--max-jobs', '0', '--option', 'substituters', '', '-E', testDerivationExpr(system, randomUUID())];
    if (options.preflight !== false) {
      // Nix sets no ConnectTimeout: against a port that accepts and never speaks the build would
      // hang until our timeout. A bounded look at the port first (about a second when healthy).
      const { runProbes } = await import('./engine.js');
      const port = await runProbes({ only: ['vm-port'], timeoutMs: 15_000, ...(options.root !== undefined ? { root: options.root } : {}), ...(options.env ? { env: options.env } : {}), ...(options.signal ? { signal: options.signal } : {}) });
      if (port.verdict.cause === 'builder-unresponsive') {
        options.onOutput?.(`pre-flight: ${port.verdict.summary}\n`);
        return { system, durationMs: Date.now() - started, argv, ok: false, cause: port.verdict.cause, summary: `not built: ${port.verdict.summary}`, ...(port.verdict.fix ? { fix: port.verdict.fix } : {}) };
      }
    }
    const result = await ctx.run(argv, timeoutMs, { env: ctx.nixEnv(), ...(options.onOutput ? { onOutput: options.onOutput } : {}) });
    const durationMs = Date.now() - started;
    const builder = /building '[^']*' on '([^']+)'/.exec(result.stderr)?.[1];
    const base = { system, durationMs, argv, ...(builder !== undefined ? { builder } : {}) };
    const outPath = result.stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('/')).pop();
    if (result.exitCode === 0 && outPath !== undefined) {
      let kernel = '';
      try { kernel = readFileSync(outPath, 'utf8').trim(); } catch { /* an unreadable output is reported below */ }
      return { ...base, ok: true, ...(kernel !== '' ? { kernel } : {}), summary: `built ${system} on ${builder ?? 'the builder'} in ${(durationMs / 1000).toFixed(1)} s: ${kernel || outPath}` };
    }
    if (result.timedOut || result.aborted) {
      return { ...base, ok: false, cause: 'builder-unresponsive', summary: result.aborted ? 'the test build was cancelled' : `the test build did not finish within ${timeoutMs} ms (Nix sets no SSH ConnectTimeout: a hung builder blocks it forever)`, ...withFix('builder-unresponsive', ctx) };
    }
    if (result.spawnError !== undefined) {
      return { ...base, ok: false, cause: 'unknown', summary: `could not run nix-build: ${result.spawnError}` };
    }
    const found = classifyStderr(result.stderr);
    const symptom = found !== null ? `"${found.matched}"` : (describeNixWrapper(result.stderr) ?? (result.stderr.trim().split('\n').pop() ?? 'nix-build failed'));
    if (options.diagnose !== false) {
      // What ssh said is the symptom (e.g. "Could not resolve hostname"); the probes walk the chain
      // and name the root cause behind it (e.g. the Host block is not included for root).
      const { runProbes } = await import('./engine.js');
      const report = await runProbes({ ...(options.root !== undefined ? { root: options.root } : {}), ...(options.env ? { env: options.env } : {}), ...(options.signal ? { signal: options.signal } : {}), timeoutMs: 60_000 });
      // needs-admin only says the probes could not look as root; ssh's own words then say more.
      const useless = report.verdict.cause === 'ok' || report.verdict.cause === 'unknown' || (report.verdict.cause === 'needs-admin' && found !== null);
      if (!useless) {
        return { ...base, ok: false, cause: report.verdict.cause, summary: `the test build failed (${symptom}); root cause: ${report.verdict.summary}`, ...(report.verdict.fix ? { fix: report.verdict.fix } : {}) };
      }
    }
    if (found !== null) {
      return { ...base, ok: false, cause: found.cause, summary: `the test build failed: ${symptom}: ${found.explanation}`, ...withFix(found.cause, ctx) };
    }
    return { ...base, ok: false, cause: 'unknown', summary: `the test build failed: ${symptom}` };
  } finally {
    ctx.dispose();
  }
}

function withFix(cause: CauseId, ctx: ProbeContext): { fix?: ProbeFix } {
  const fix = fixFor(cause, fixFacts(ctx));
  return fix ? { fix } : {};
}
