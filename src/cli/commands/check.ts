/**
 * `linux-builder-doctor check [--format text|json] PATH...` (contract in ARCHITECTURE.md).
 * Exit 0: no error-severity findings; 1: some; 2: usage or I/O error, with nothing on stdout.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Finding } from '../../protocol/findings.js';
import { analyzeNix } from '../../rules/analyze.js';
import type { CliIo } from '../io.js';
import { collectNixFiles } from '../nixFiles.js';
import { formatFindingsText } from '../formatFindings.js';

export async function runCheckCommand(args: string[], io: CliIo): Promise<number> {
  let values: { format?: string; 'disable-rule'?: string[] };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: { format: { type: 'string', default: 'text' }, 'disable-rule': { type: 'string', multiple: true } },
      allowPositionals: true,
    }));
  } catch (error) {
    io.stderr(`linux-builder-doctor check: ${(error as Error).message}\n`);
    return 2;
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    io.stderr(`linux-builder-doctor check: --format must be text or json, not '${format}'\n`);
    return 2;
  }
  if (positionals.length === 0) {
    io.stderr('linux-builder-doctor check: name at least one .nix file or folder\n');
    return 2;
  }
  let files: string[];
  const findings: Finding[] = [];
  const texts = new Map<string, string>();
  try {
    files = await collectNixFiles(positionals);
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      texts.set(file, text);
      const disabledRules = values['disable-rule'] ?? [];
      const analysis = analyzeNix(text, {
        disabledRules,
        onRuleError: (rule, error) => io.stderr(`linux-builder-doctor check: rule ${rule} failed on ${file}: ${String(error)}\n`),
      });
      for (const finding of analysis.findings) findings.push({ file, ...finding });
    }
  } catch (error) {
    io.stderr(`linux-builder-doctor check: ${(error as NodeJS.ErrnoException).message}\n`);
    return 2;
  }
  if (format === 'json') io.stdout(`${JSON.stringify(findings, null, 2)}\n`);
  else io.stdout(formatFindingsText(findings, files.length, texts));
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}
