/**
 * `linux-builder-doctor check [--format text|json] PATH...` (contract in ARCHITECTURE.md).
 * Exit 0: no error-severity findings; 1: some; 2: usage or I/O error, with nothing on stdout.
 * Files of one configuration (rules/configuration.ts) are checked together: their modules see each other.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Finding } from '../../protocol/findings.js';
import { analyzeNix, configurationFacts } from '../../rules/analyze.js';
import type { CliIo } from '../io.js';
import { collectNixFiles } from '../nixFiles.js';
import { groupByConfiguration } from '../../rules/configuration.js';
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
    for (const file of files) texts.set(file, await readFile(file, 'utf8'));
    // Files of one configuration see each other's options: a rule may depend on an option another
    // module sets (nix.enable = false there, the builder here).
    const facts = new Map([...texts].map(([file, text]) => [file, configurationFacts(text)]));
    const rootOf = new Map([...groupByConfiguration(files)].flatMap(([root, members]) => members.map((m) => [m, root] as const)));
    for (const file of files) {
      const text = texts.get(file) ?? '';
      const others = [...facts].filter(([other]) => other !== file && rootOf.get(other) === rootOf.get(file)).map(([, f]) => f);
      const disabledRules = values['disable-rule'] ?? [];
      const analysis = analyzeNix(text, {
        disabledRules,
        elsewhere: { definitions: others.flatMap((f) => f.definitions), lists: others.flatMap((f) => f.lists) },
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
