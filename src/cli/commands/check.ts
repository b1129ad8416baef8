/**
 * `linux-builder-doctor check [--format text|json] PATH...` (contract: docs/dev/architecture.md#stable-names-and-the-cli-contract).
 * Exit 0: no error-severity findings; 1: some; 2: usage or I/O error, with nothing on stdout.
 * Files of one configuration (workspace/roots.ts) are checked together: their modules see each other.
 * An unreadable file or folder is reported on stderr and the rest checked; exit 2 when nothing could be.
 */
import type { Finding } from '../../protocol/findings.js';
import { parseArgs, UsageError, type ParsedArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { formatFindingsText } from '../formatFindings.js';
import { printable, printablePath } from '../../protocol/shellText.js';
import { checkFiles } from '../../workspace/checkFiles.js';
import { nodeFs } from '../../workspace/fileSystem.js';
import { collectNixFiles } from '../../workspace/nixFiles.js';

export function runCheckCommand(args: string[], io: CliIo): Promise<number> {
  return Promise.resolve(check(args, io));
}

function check(args: string[], io: CliIo): number {
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
  const { checked, skipped } = checkFiles(collected.files, nodeFs, {
    disabledRules: parsed.repeated.get('disable-rule') ?? [],
    onRuleError: (file, rule, error) =>
      io.stderr(
        `linux-builder-doctor check: rule ${rule} failed on ${printablePath(file)}: ${printable(String(error))}\n`,
      ),
  });
  // What cannot be read is reported and the rest still checked; only when nothing could be read
  // is it an I/O error (exit 2), as the CI user would otherwise take silence for a clean result.
  for (const { path, reason } of [...collected.skipped, ...skipped])
    io.stderr(`linux-builder-doctor check: skipped ${printablePath(path)}: ${reason}\n`);
  if (checked.length === 0 && collected.skipped.length + skipped.length > 0) return 2;
  const findings: Finding[] = checked.flatMap((c) => c.findings);
  const texts = new Map(checked.map((c) => [c.file, c.text]));
  const files = checked.map((c) => c.file);
  if (format === 'json') io.stdout(`${JSON.stringify(findings, null, 2)}\n`);
  else io.stdout(formatFindingsText(findings, files.length, texts));
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}
