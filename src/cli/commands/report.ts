/**
 * `linux-builder-doctor report [--root DIR [--trust-root]] [--timeout-ms N] [--builder HOST]`: runs every probe and prints a
 * Markdown report fit for a bug report (redacted by allow-list, redact.ts; there is no --no-redact). Exit 0 when the verdict is ok, 1 otherwise,
 * 2 on usage error.
 */
import { runProbes, type ProbeRunOptions } from '../../probes/run.js';
import { renderMarkdownReport } from '../../probes/markdownReport.js';
import { TOOL_VERSION } from '../../protocol/version.js';
import { USAGE, type CliIo } from '../io.js';
import { parseArgs, UsageError } from '../args.js';
import { announceStagedRefusal, homeOf, progressLine, redactResult, runOptionsFrom } from './probe.js';

export async function runReportCommand(args: string[], io: CliIo): Promise<number> {
  let options: ProbeRunOptions;
  try {
    const parsed = parseArgs('report', args);
    if (parsed.positional.length > 0)
      throw new UsageError(`unexpected argument ${parsed.positional[0] ?? ''}`);
    options = runOptionsFrom(parsed, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`linux-builder-doctor report: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  announceStagedRefusal(options, io);
  let done = 0;
  const report = await runProbes(options, (result, total) => {
    done++;
    io.stderr(progressLine(redactResult(result, io), done, total));
  });
  io.stdout(renderMarkdownReport(report, { toolVersion: TOOL_VERSION, home: homeOf(io) }));
  return report.verdict.cause === 'ok' ? 0 : 1;
}
