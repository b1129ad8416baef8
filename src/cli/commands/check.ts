/**
 * `linux-builder-doctor check [--format text|json] [--fix] PATH...` (contract: docs/dev/architecture.md#stable-names-and-the-cli-contract).
 * Exit 0: no error-severity findings (after fixing, with --fix); 1: some; 2: usage or I/O error, with nothing on stdout.
 * --fix applies the preferred fixes that are safe together (the editor's "fix all"), writes each file
 * atomically, says what it changed ("fixed FILE:LINE:COL [rule] title"; on stderr with --format json,
 * whose stdout stays the findings array) and then prints what remains.
 * Files of one configuration (workspace/roots.ts) are checked together: their modules see each other.
 * An unreadable file or folder is reported on stderr and the rest checked; exit 2 when nothing could be.
 */
import type { Finding } from '../../protocol/findings.js';
import { parseArgs, UsageError, type ParsedArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { formatFindingsText } from '../formatFindings.js';
import { printable, printablePath } from '../../protocol/shellText.js';
import type { CheckOptions, CheckResult } from '../../workspace/checkFiles.js';
import { checkFilesInParallel } from '../../workspace/parallelCheck.js';
import type { HeldReason } from '../../rules/fixAll.js';
import { fixFiles } from '../fixFiles.js';
import { nodeFs } from '../../workspace/fileSystem.js';
import { collectNixFiles } from '../../workspace/nixFiles.js';
import { errorText } from '../../protocol/errorText.js';

export function runCheckCommand(args: string[], io: CliIo): Promise<number> {
  return check(args, io);
}

async function check(args: string[], io: CliIo): Promise<number> {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs('check', args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`linux-builder-doctor check: ${error.message}\n`);
    return 2;
  }
  const format = parsed.flags.get('format') ?? 'text';
  if (format !== 'text' && format !== 'json') {
    io.stderr(`linux-builder-doctor check: --format must be text or json, not '${format}'\n`);
    return 2;
  }
  const positionals = parsed.positional;
  if (positionals.length === 0) {
    io.stderr('linux-builder-doctor check: name at least one .nix file or folder\n');
    return 2;
  }
  const collected = collectNixFiles(positionals, nodeFs);
  if (collected.missing.length > 0) {
    for (const path of collected.missing)
      io.stderr(`linux-builder-doctor check: ${printablePath(path)}: no such file or folder\n`);
    return 2;
  }
  // Files of one configuration see each other's options: a rule may depend on an option another
  // module sets (nix.enable = false there, the builder here).
  const options: CheckOptions = {
    disabledRules: parsed.repeated.get('disable-rule') ?? [],
    onRuleError: (file, rule, error) =>
      io.stderr(
        `linux-builder-doctor check: rule ${rule} failed on ${printablePath(file)}: ${printable(errorText(error))}\n`,
      ),
  };
  let result: CheckResult;
  if (parsed.flags.has('fix')) {
    const fixing = fixFiles(collected.files, nodeFs, options);
    // What changed goes where a reader of the chosen format looks: with JSON, stdout stays the array.
    const say = (text: string): void => (format === 'json' ? io.stderr(text) : io.stdout(text));
    const lines = [
      ...fixing.fixed.map(
        ({ file, finding, title }) =>
          `fixed ${printablePath(file)}:${finding.range.start.line + 1}:${finding.range.start.character + 1} [${finding.code}] ${printable(title)}`,
      ),
      ...fixing.held.map(
        ({ file, finding, reason }) =>
          `not fixed ${printablePath(file)}:${finding.range.start.line + 1}:${finding.range.start.character + 1} [${finding.code}]: ${HELD_REASONS[reason]}`,
      ),
    ];
    if (lines.length > 0) say(`${lines.join('\n')}\n\n`);
    for (const { file, reason } of fixing.failed)
      io.stderr(`linux-builder-doctor check: not fixed ${printablePath(file)}: ${printable(reason)}\n`);
    result = fixing.result;
    if (fixing.failed.length > 0 && fixing.fixed.length === 0) {
      // Nothing could be written: an I/O error, but the findings are still worth printing.
      printFindings(result, format, io);
      return 2;
    }
  } else {
    // Many files are read and judged on the idle cores (the same result as checkFiles).
    result = await checkFilesInParallel(collected.files, options);
  }
  const { checked, skipped } = result;
  // What cannot be read is reported and the rest still checked; only when nothing could be read
  // is it an I/O error (exit 2), as the CI user would otherwise take silence for a clean result.
  for (const { path, reason } of [...collected.skipped, ...skipped])
    io.stderr(`linux-builder-doctor check: skipped ${printablePath(path)}: ${reason}\n`);
  if (checked.length === 0 && collected.skipped.length + skipped.length > 0) return 2;
  return printFindings(result, format, io);
}

/** Prints the findings; the exit code they give (1: some error-severity finding). */
function printFindings(result: CheckResult, format: string, io: CliIo): number {
  const { checked } = result;
  const findings: Finding[] = checked.flatMap((c) => c.findings);
  const texts = new Map(checked.map((c) => [c.file, c.text]));
  const files = checked.map((c) => c.file);
  if (format === 'json') io.stdout(`${JSON.stringify(findings, null, 2)}\n`);
  else io.stdout(formatFindingsText(findings, files.length, texts));
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}

const HELD_REASONS: Record<HeldReason, string> = {
  'syntax-error': 'the file has a syntax error; fix that first',
  overlap: 'its fix changes the same text as another fix; apply it on its own',
  'does-not-parse': 'its fix would not parse together with the others; apply it on its own',
};
