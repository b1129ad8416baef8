/**
 * nix-darwin's builder VM runs as the launchd daemon org.nixos.linux-builder (docs/dev/domain.md#what-enabling-the-builder-generates).
 * `launchctl` only exists on macOS: elsewhere this probe is skipped and never decides the verdict;
 * whether the VM answers is decided by the TCP and SSH probes.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Evidence } from '../../protocol/probes.js';
import type { ProbeContext, ProbeDefinition } from '../context.js';
import { commandEvidence } from '../context.js';
import { isNotInstalled } from '../exec.js';
import { failure, NIX_DARWIN_HOSTS, realPath, skip } from './common.js';

export const LABEL = 'org.nixos.linux-builder';

/** Starts after which a job whose last run failed is crash-looping rather than unlucky once. */
export const CRASH_LOOP_RUNS = 3;

/** What `launchctl print` says about a job's past runs. */
export interface LaunchdRuns {
  state: string;
  pid?: string;
  runs?: number;
  /** `last exit code = 134: Abort trap` → 134; undefined for "(never exited)". */
  lastExitCode?: number;
  lastExitText?: string;
  /** `last terminating signal = Abort trap: 6`. */
  lastSignal?: string;
}

export function parseLaunchdPrint(stdout: string): LaunchdRuns {
  const field = (name: string): string | undefined =>
    new RegExp(`^\\s*${name} = (.+)$`, 'm').exec(stdout)?.[1]?.trim();
  const runs: LaunchdRuns = { state: field('state') ?? 'unknown' };
  const pid = field('pid');
  if (pid !== undefined && /^\d+$/.test(pid)) runs.pid = pid;
  const count = field('runs');
  if (count !== undefined && /^\d+$/.test(count)) runs.runs = Number(count);
  const exit = field('last exit code');
  if (exit !== undefined) {
    runs.lastExitText = exit;
    const code = /^(-?\d+)/.exec(exit)?.[1];
    if (code !== undefined) runs.lastExitCode = Number(code);
  }
  const signal = field('last terminating signal');
  if (signal !== undefined) runs.lastSignal = signal;
  return runs;
}

/** launchd started it again and again and its last run ended badly (KeepAlive restarts it after each). */
export function isCrashLoop(runs: LaunchdRuns): boolean {
  const failed =
    (runs.lastExitCode !== undefined && runs.lastExitCode !== 0) || runs.lastSignal !== undefined;
  return failed && (runs.runs ?? 0) >= CRASH_LOOP_RUNS;
}

/**
 * QEMU's crash reports (`qemu-system-*.ips`, older macOS `.crash`): names and times only, never
 * their contents. The VM runs as root, so its reports land in /Library/Logs/DiagnosticReports;
 * the user's own folder is looked at too (docs/dev/domain.md#failures-users-report).
 */
export function qemuCrashReports(ctx: ProbeContext): Array<{ file: string; mtimeMs: number }> {
  const dirs = [ctx.paths.sys('/Library/Logs/DiagnosticReports')];
  if (ctx.paths.stagedRoot === undefined) dirs.push(join(homedir(), 'Library/Logs/DiagnosticReports'));
  const found: Array<{ file: string; mtimeMs: number }> = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!/^qemu-system-[A-Za-z0-9_-]*.*\.(ips|crash)$/.test(name)) continue;
      try {
        found.push({ file: join(dir, name), mtimeMs: statSync(join(dir, name)).mtimeMs });
      } catch {
        /* gone meanwhile */
      }
    }
  }
  return found.sort((a, b) => b.mtimeMs - a.mtimeMs);
}

export const launchdServiceProbe: ProbeDefinition = {
  id: 'launchd-service',
  title: 'Builder VM service (launchd)',
  checks:
    '`launchctl print system/org.nixos.linux-builder` (macOS only; skipped elsewhere): state, runs, last exit code; the names of QEMU crash reports in `/Library/Logs/DiagnosticReports`',
  verdicts: '`builder-crash-loop`; evidence for `builder-down`',
  requires: [],
  after: ['machines-file'],
  async run(ctx) {
    const plist = ctx.paths.nixDarwinBuilderPlist;
    const plistExists = existsSync(plist);
    const target = ctx.facts.target;
    const relevant = plistExists || (target !== undefined && NIX_DARWIN_HOSTS.includes(target.host));
    if (plistExists) ctx.facts.nixDarwinBuilder = true;
    const result = await ctx.run(['launchctl', 'print', `system/${LABEL}`], 3000);
    if (isNotInstalled(result))
      return skip('launchctl not found: not macOS, so there is no launchd service to check', [
        commandEvidence(result),
      ]);
    if (!relevant)
      return skip(`the builder ${target?.host ?? ''} is not nix-darwin's linux-builder`.replace('  ', ' '), [
        { file: plist, detail: 'absent' },
      ]);
    const evidence = [
      commandEvidence(
        result,
        result.exitCode === 0
          ? result.stdout
              .split('\n')
              .filter((l) => /^\s*(state|pid|runs|last exit code|last terminating signal|path) =/.test(l))
              .map((l) => l.trim())
              .join('; ')
          : undefined,
      ),
      { file: plist, detail: plistExists ? 'exists' : 'absent' },
    ];
    if (result.exitCode !== 0) {
      return {
        status: 'warn',
        cause: 'builder-down',
        summary: `launchd has no ${LABEL} loaded (${result.stderr.trim().split('\n')[0] ?? `exit ${result.exitCode ?? 'none'}`}); plist ${realPath(ctx, plist)} ${plistExists ? 'exists' : 'is absent'}`,
        evidence,
      };
    }
    ctx.facts.nixDarwinBuilder = true;
    const runs = parseLaunchdPrint(result.stdout);
    const { state, pid } = runs;
    if (isCrashLoop(runs)) {
      const reports = qemuCrashReports(ctx);
      const crashEvidence: Evidence[] = [
        ...evidence,
        ...reports.slice(0, 3).map((r) => ({
          file: r.file,
          detail: `QEMU crash report of ${new Date(r.mtimeMs).toISOString()} (its contents are not read)`,
        })),
      ];
      const how = `started ${runs.runs ?? '?'} times, last run ended with ${runs.lastSignal !== undefined ? `signal ${runs.lastSignal}` : `exit code ${runs.lastExitText ?? '?'}`}${runs.lastExitCode === 134 ? ' (134 = SIGABRT: the program aborted)' : ''}`;
      const reportNote =
        reports.length > 0
          ? `; ${reports.length} QEMU crash report(s), newest ${realPath(ctx, reports[0]?.file ?? '')}`
          : '';
      if (state !== 'running')
        return failure(
          ctx,
          'builder-crash-loop',
          `${LABEL} keeps dying and launchd keeps restarting it (KeepAlive): ${how}, now ${state}${reportNote}. Restarting it again will not help`,
          crashEvidence,
          reports[0] !== undefined ? { crashReport: realPath(ctx, reports[0].file) } : {},
        );
      return {
        status: 'warn',
        cause: 'builder-crash-loop',
        summary: `${LABEL} is running now, but launchd has ${how}${reportNote}: if the probes below fail, the VM is crash-looping`,
        evidence: crashEvidence,
      };
    }
    if (state !== 'running') {
      return {
        status: 'warn',
        cause: 'builder-down',
        summary: `${LABEL} is loaded but ${state} (KeepAlive restarts it; see the port probe)`,
        evidence,
        fix: {
          summary: 'Restart the builder VM.',
          commands: [`sudo launchctl kickstart -k system/${LABEL}`],
        },
      };
    }
    return {
      status: 'ok',
      summary: `${LABEL} is running${pid !== undefined ? ` (pid ${pid})` : ''}`,
      evidence,
    };
  },
};
