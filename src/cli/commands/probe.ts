/**
 * `linux-builder-doctor probe [--format text|json] [--root DIR [--trust-root]] [--only ID,...] [--timeout-ms N] [--builder HOST] [--no-redact]`
 * Text: progress on stderr as each probe completes, then the verdict on stdout.
 * JSON: exactly the ProbeReport on stdout. Exit 0 when the verdict is ok, 1 otherwise, 2 on usage error.
 * Both are redacted like the Markdown report (output gets pasted into issues); `--no-redact`
 * shows the raw values, for debugging on one's own machine.
 */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { PROBE_IDS, type ProbeId, type ProbeReport, type ProbeResult } from '../../protocol/probes.js';
import { runProbes, type ProbeRunOptions } from '../../probes/run.js';
import { holdsRedaction, redactReport } from '../../probes/redact.js';
import { describeDirective } from '../../probes/commandDirectives.js';
import { ProbeContext } from '../../probes/context.js';
import { parseArgs, UsageError, type ParsedArgs } from '../args.js';
import { USAGE, type CliIo } from '../io.js';

/** The run options shared by probe, test and report. */
export function runOptionsFrom(parsed: ParsedArgs, io: CliIo): ProbeRunOptions {
  // The CLI ends when it is done: a host name lookup must never hold it (ProbeRunOptions).
  const options: ProbeRunOptions = { env: io.env, lookupNamesInChild: true };
  const root = parsed.flags.get('root');
  if (root !== undefined) {
    const abs = resolve(io.cwd, root);
    if (!existsSync(abs) || !statSync(abs).isDirectory())
      throw new UsageError(`--root ${root}: not a directory`);
    options.root = abs;
  }
  const only = parsed.flags.get('only');
  if (only !== undefined) {
    const ids = only
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const bad = ids.filter((id) => !(PROBE_IDS as readonly string[]).includes(id));
    if (bad.length > 0 || ids.length === 0)
      throw new UsageError(`--only: unknown probe id(s) ${bad.join(', ')} (known: ${PROBE_IDS.join(', ')})`);
    options.only = ids as ProbeId[];
  }
  const timeout = parsed.flags.get('timeout-ms');
  if (timeout !== undefined) {
    if (!/^\d+$/.test(timeout) || Number(timeout) < 1)
      throw new UsageError('--timeout-ms needs a positive whole number');
    options.timeoutMs = Number(timeout);
  }
  const builder = parsed.flags.get('builder');
  if (builder !== undefined) options.builderHost = builder;
  if (parsed.flags.has('trust-root')) {
    if (options.root === undefined)
      throw new UsageError(
        '--trust-root only applies with --root (the real root is always run, with a warning)',
      );
    options.trustRoot = true;
  }
  return options;
}

/**
 * Before a run on an untrusted staged root: name the settings in its files that would make ssh or
 * nix run a command here; those programs are then not run on it (commandDirectives.ts).
 */
export function announceStagedRefusal(options: ProbeRunOptions, io: CliIo): void {
  if (options.root === undefined || options.trustRoot === true) return;
  const ctx = new ProbeContext({ root: options.root, env: io.env, deadline: Date.now() });
  try {
    const found = ctx.commandDirectives();
    const all = [...found.ssh, ...found.nix];
    if (all.length === 0) return;
    io.stderr(
      `linux-builder-doctor: not running ${found.nix.length > 0 ? 'nix or ssh' : 'ssh (or nix connecting over ssh)'} on the staged root: ${all.map(describeDirective).join('; ')} would run a command on this machine. Pass --trust-root only if you trust these files.\n`,
    );
  } finally {
    ctx.dispose();
  }
}

/** The home folder the redaction hides: the one in the CLI's environment (tests pass their own). */
export function homeOf(io: CliIo): string {
  return io.env.HOME !== undefined && io.env.HOME !== '' ? io.env.HOME : homedir();
}

export function redactResult(result: ProbeResult, io: CliIo): ProbeResult {
  const one: ProbeReport = {
    platform: '',
    nixVersion: null,
    results: [result],
    verdict: { cause: 'ok', summary: '' },
  };
  return redactReport(one, homeOf(io)).results[0] ?? result;
}

const MARK: Record<string, string> = { ok: '✓', warn: '!', fail: '✗', skip: '-', 'needs-admin': '#' };

export function progressLine(result: ProbeResult, done: number, total: number): string {
  return `[${done}/${total}] ${MARK[result.status] ?? '?'} ${result.id}: ${result.summary} (${result.durationMs} ms)\n`;
}

export function renderVerdictText(report: ProbeReport): string {
  const v = report.verdict;
  const lines = [`verdict: ${v.cause}`, `  ${v.summary}`];
  for (const e of v.evidence ?? []) {
    const parts = [
      e.argv
        ? `$ ${e.argv.join(' ')}${e.exitCode !== undefined ? ` (exit ${e.exitCode ?? 'none'})` : ''}`
        : '',
      e.file ? `file ${e.file}` : '',
      e.detail ?? '',
      e.stderr ? e.stderr.split('\n').slice(-3).join(' | ') : '',
    ].filter((s) => s !== '');
    if (parts.length > 0) lines.push(`  evidence: ${parts.join(' — ')}`);
  }
  if (v.fix) {
    lines.push(`fix: ${v.fix.summary}`);
    for (const c of v.fix.commands ?? []) lines.push(`  ${c}`);
    // Pasted as shown, a command with a hidden part fails in a way that says nothing useful.
    if ((v.fix.commands ?? []).some(holdsRedaction))
      lines.push(
        '  (part of this command is hidden, as in a shared report: `linux-builder-doctor probe --no-redact` prints it whole)',
      );
    if (v.fix.docs) lines.push(`  docs: ${v.fix.docs}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function runProbeCommand(args: string[], io: CliIo): Promise<number> {
  let options: ProbeRunOptions;
  let format: string;
  let redacted = true;
  try {
    const parsed = parseArgs('probe', args);
    redacted = !parsed.flags.has('no-redact');
    if (parsed.positional.length > 0)
      throw new UsageError(`unexpected argument ${parsed.positional[0] ?? ''}`);
    format = parsed.flags.get('format') ?? 'text';
    if (format !== 'text' && format !== 'json')
      throw new UsageError(`--format must be text or json, not ${format}`);
    options = runOptionsFrom(parsed, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`linux-builder-doctor probe: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  announceStagedRefusal(options, io);
  let done = 0;
  const raw = await runProbes(
    options,
    format === 'text'
      ? (result, total) => {
          done++;
          io.stderr(progressLine(redacted ? redactResult(result, io) : result, done, total));
        }
      : undefined,
  );
  const report = redacted ? redactReport(raw, homeOf(io)) : raw;
  if (format === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout(`${report.platform}; Nix ${report.nixVersion ?? 'not found'}\n${renderVerdictText(report)}`);
  return report.verdict.cause === 'ok' ? 0 : 1;
}
