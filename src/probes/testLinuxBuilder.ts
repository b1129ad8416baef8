/**
 * "Test Linux Builder" (the CLI's `test`): the real test build (testBuild.ts) with what makes its
 * answer useful: the builder's own system when none is given, a bounded look at the port first (a
 * hung builder would hang the build: Nix sets no ConnectTimeout), and, when the build fails, a
 * probe run that names the root cause behind ssh's symptom.
 */
import type { TestBuildResult } from './testBuild.js';
import { buildOnBuilder, builderSystem, isLinuxSystemDouble, testBuildArgv } from './testBuild.js';
import { printable } from '../protocol/shellText.js';
import { buildersSettingProbe } from './checks/buildersSetting.js';
import { machinesFileProbe } from './checks/machinesFile.js';
import { nixInstallProbe } from './checks/nixInstall.js';
import { ProbeContext } from './context.js';
import { isSshBuilder, type MachineEntry } from './machinesFile.js';
import { runProbes, type ProbeRunOptions } from './run.js';

export type { TestBuildResult } from './testBuild.js';

export interface TestBuilderOptions {
  /** Default: the first Linux system of the builder's machines entry. */
  system?: string | undefined;
  root?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  signal?: AbortSignal | undefined;
  onOutput?: ((chunk: string) => void) | undefined;
  /** Overall bound for the build (default 10 minutes); the child is killed after it. */
  timeoutMs?: number | undefined;
  /** requiredSystemFeatures of the test derivation (e.g. kvm, nixos-test). */
  features?: string[] | undefined;
  /** Run nix/ssh on a staged root even when its files would make them run commands (`--trust-root`). */
  trustRoot?: boolean | undefined;
  /** The probe runs resolve host names in a child process only (ProbeRunOptions.lookupNamesInChild). */
  lookupNamesInChild?: boolean | undefined;
}

/**
 * Why a machines entry may not be built on: Nix puts the destination first, before its own
 * options and without `--` (`ssh <user@host> -x …`, docs/dev/domain.md#how-nix-connects-to-a-remote-builder),
 * so a host or user that starts with `-` is an option to ssh (`-oProxyCommand=…` runs a command
 * on this machine). Our own ssh runs put it after `--`; nix-build's cannot, so it is not run at
 * all, on any root and even with --trust-root: no host name starts with `-`
 * (docs/dev/security.md#the-language-server-after-shutdown-and-sshs-argv).
 */
function optionLikeDestination(entries: readonly MachineEntry[]): string | undefined {
  for (const entry of entries) {
    if (!isSshBuilder(entry)) continue;
    const value = entry.host.startsWith('-')
      ? entry.host
      : entry.user?.startsWith('-')
        ? entry.user
        : undefined;
    if (value === undefined) continue;
    const what = value === entry.host ? 'host' : 'user';
    return `the machines entry on line ${entry.line} has the ${what} ${JSON.stringify(printable(value))}, which starts with "-": Nix passes the destination to ssh before its options, so ssh would read it as an option (and an option such as -oProxyCommand runs a command on this machine). No host or user name starts with "-"; correct the entry (nix.buildMachines or nix.linux-builder) first`;
  }
  return undefined;
}

export async function testLinuxBuilder(options: TestBuilderOptions): Promise<TestBuildResult> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 600_000;
  const ctx = new ProbeContext({
    root: options.root,
    env: options.env,
    signal: options.signal,
    deadline: started + timeoutMs,
    trustRoot: options.trustRoot === true,
  });
  const runOptions: ProbeRunOptions = {
    trustRoot: options.trustRoot,
    lookupNamesInChild: options.lookupNamesInChild,
    root: options.root,
    env: options.env,
    signal: options.signal,
  };
  try {
    let system = options.system;
    if (system !== undefined && !isLinuxSystemDouble(system)) {
      return {
        system: printable(system),
        durationMs: 0,
        argv: [],
        ok: false,
        cause: 'unknown',
        summary: `not built: ${JSON.stringify(printable(system))} is not a Linux system double such as aarch64-linux or x86_64-linux`,
      };
    }
    // The machines entries nix-build will use: the builder's own system (a value that is not a
    // system double is not one Nix could ever send to it, so it is passed over), and the hosts.
    await nixInstallProbe.run(ctx);
    await buildersSettingProbe.run(ctx);
    await machinesFileProbe.run(ctx);
    system ??= builderSystem(ctx.facts);
    const notBuilt = (reason: string) => ({
      system,
      durationMs: Date.now() - started,
      argv: testBuildArgv(system, options.features),
      ok: false,
      cause: 'unknown' as const,
      summary: `not built: ${reason}`,
    });
    const optionLike = optionLikeDestination(ctx.facts.machines?.entries ?? []);
    if (optionLike !== undefined) return notBuilt(optionLike);
    // A staged root whose files would make nix-build's ssh run a command here is not built on.
    const refused = ctx.refusalFor(testBuildArgv(system, options.features));
    if (refused !== undefined) return notBuilt(refused);
    // Nix sets no ConnectTimeout: against a port that accepts and never speaks the build would
    // hang until our timeout. A bounded look at the port first (about a second when healthy).
    const port = await runProbes({ ...runOptions, only: ['vm-port'], timeoutMs: 15_000 });
    if (port.verdict.cause === 'builder-unresponsive') {
      options.onOutput?.(`pre-flight: ${port.verdict.summary}\n`);
      return {
        system,
        durationMs: Date.now() - started,
        argv: testBuildArgv(system, options.features),
        ok: false,
        cause: port.verdict.cause,
        summary: `not built: ${port.verdict.summary}`,
        ...(port.verdict.fix ? { fix: port.verdict.fix } : {}),
      };
    }
    const attempt = await buildOnBuilder(ctx, system, timeoutMs, options.onOutput, options.features);
    const result = { ...attempt.result, durationMs: Date.now() - started };
    if (result.ok || attempt.symptom === undefined) return result;
    // Missing features are the builder's configuration, not a broken link: the probes would say ok.
    if (result.cause === 'missing-features') return result;
    // What ssh said is the symptom (e.g. "Could not resolve hostname"); the probes walk the chain
    // and name the root cause behind it (e.g. the Host block is not included for root).
    const report = await runProbes({ ...runOptions, timeoutMs: 60_000 });
    // needs-admin only says the probes could not look as root; ssh's own words then say more.
    const useless =
      report.verdict.cause === 'ok' ||
      report.verdict.cause === 'unknown' ||
      (report.verdict.cause === 'needs-admin' && attempt.recognised);
    if (useless) return result;
    // The root cause's fix replaces the symptom's.
    const diagnosed: TestBuildResult = {
      ...result,
      cause: report.verdict.cause,
      summary: `the test build failed (${attempt.symptom}); root cause: ${report.verdict.summary}`,
    };
    delete diagnosed.fix;
    return { ...diagnosed, ...(report.verdict.fix ? { fix: report.verdict.fix } : {}) };
  } finally {
    ctx.dispose();
  }
}
