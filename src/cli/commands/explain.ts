/**
 * `linux-builder-doctor explain [--format text|json] [--config DIR] [FILE|-]` (contract:
 * docs/dev/architecture.md#stable-names-and-the-cli-contract): reads darwin-rebuild / nix / ssh / CI output (a file,
 * or stdin with `-` or no FILE), streamed, and names each problem it recognises with its cause, the
 * lines that show it and the fix the probes give for that cause. With --config, option errors are
 * matched to the configuration check's findings on DIR (rule id and file:line), computed by the
 * workspace layer exactly as `check` does.
 * Exit 0: nothing wrong recognised; 1: a problem named; 2: usage or I/O error.
 */
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Finding, RuleId } from '../../protocol/findings.js';
import type { CauseId } from '../../protocol/probes.js';
import { Explainer, type ExplainedProblem } from '../../probes/explain/engine.js';
import { checkFiles } from '../../workspace/checkFiles.js';
import { nodeFs } from '../../workspace/fileSystem.js';
import { collectNixFiles } from '../../workspace/nixFiles.js';
import type { CliIo } from '../io.js';
import { printable, printablePath } from '../printable.js';

/** The check's rules that flag, in the configuration, what a cause's error text reports. */
const RULES_FOR: Partial<Record<CauseId, RuleId[]>> = {
  'option-does-not-exist': ['unknown-option', 'ssh-options'],
  'option-removed': ['removed-option'],
  'option-type-mismatch': ['type-mismatch', 'ssh-key-store-path'],
  'requires-nix-enable': ['requires-nix-enable'],
  'determinate-conflict': ['requires-nix-enable'],
  'builder-wrong-port': ['localhost-no-port'],
  'machines-file-invalid': ['public-host-key-format'],
  'system-not-offered': ['x86-needs-emulation', 'rosetta-unsupported'],
  'distributed-builds-off': ['distributed-builds-off'],
};

export interface Definition {
  rule: RuleId;
  file: string;
  /** 1-based, as editors and compilers print them. */
  line: number;
  column: number;
  message: string;
}

export type ExplainOutputProblem = ExplainedProblem & { definitions?: Definition[] };

function lastSegment(path: string): string {
  return path.split('.').pop() ?? path;
}

/** The findings of the check that are this problem in the user's files. */
export function definitionsFor(problem: ExplainedProblem, findings: Finding[], texts: Map<string, string>): Definition[] {
  const rules = RULES_FOR[problem.cause];
  if (!rules) return [];
  const name = problem.option !== undefined ? lastSegment(problem.option) : undefined;
  return findings.filter((f) => {
    if (!rules.includes(f.code) || f.file === undefined) return false;
    if (name === undefined) return true;
    const line = (texts.get(f.file) ?? '').split('\n')[f.range.start.line] ?? '';
    return line.includes(name) || f.message.includes(name);
  }).map((f) => ({ rule: f.code, file: f.file ?? '', line: f.range.start.line + 1, column: f.range.start.character + 1, message: f.message }));
}

/** Everything printed comes from the input text (or names in it): escaped, like `check` does. */
function formatText(problems: ExplainOutputProblem[], bytes: number): string {
  if (problems.length === 0) {
    return `linux-builder-doctor explain: nothing recognised in ${bytes} characters: the text shows no builder problem this tool knows.\n`;
  }
  const out = [`linux-builder-doctor explain: ${problems.length} problem(s) recognised`];
  for (const p of problems) {
    out.push('', `[${p.cause}] ${printable(p.summary)}${p.occurrences > 1 ? ` (${p.occurrences} times)` : ''}`);
    out.push('  seen in:');
    for (const line of p.evidence) out.push(`    | ${printable(line)}`);
    for (const d of p.definitions ?? []) out.push(`  defined at: ${printablePath(d.file)}:${d.line}:${d.column} [${d.rule}] ${printable(d.message)}`);
    if (p.fix) {
      out.push(`  fix: ${printable(p.fix.summary)}`);
      for (const c of p.fix.commands ?? []) out.push(`    $ ${printable(c)}`);
      if (p.fix.docs !== undefined) out.push(`    docs: ${p.fix.docs}`);
    }
    if (p.confirm !== undefined) out.push(`  confirm with: ${p.confirm}`);
  }
  return `${out.join('\n')}\n`;
}

async function readInto(explainer: Explainer, stream: NodeJS.ReadableStream): Promise<void> {
  stream.setEncoding('utf8');
  for await (const chunk of stream) explainer.feed(chunk as string);
}

export async function runExplainCommand(args: string[], io: CliIo): Promise<number> {
  let values: { format?: string; config?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, options: { format: { type: 'string', default: 'text' }, config: { type: 'string' } }, allowPositionals: true }));
  } catch (error) {
    io.stderr(`linux-builder-doctor explain: ${(error as Error).message}\n`);
    return 2;
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    io.stderr(`linux-builder-doctor explain: --format must be text or json, not '${format}'\n`);
    return 2;
  }
  if (positionals.length > 1) {
    io.stderr('linux-builder-doctor explain: name one file, or - (or nothing) for stdin\n');
    return 2;
  }
  const source = positionals[0] ?? '-';
  const stdin = io.stdin;
  if (source === '-' && (stdin === undefined || (positionals.length === 0 && (stdin as { isTTY?: boolean }).isTTY === true))) {
    io.stderr('linux-builder-doctor explain: pipe the error text in, or name a file (see --help)\n');
    return 2;
  }
  const explainer = new Explainer();
  try {
    await readInto(explainer, source === '-' && stdin !== undefined ? stdin : createReadStream(source));
  } catch (error) {
    io.stderr(`linux-builder-doctor explain: ${(error as NodeJS.ErrnoException).message}\n`);
    return 2;
  }
  const result = explainer.finish();
  let problems: ExplainOutputProblem[] = result.problems;
  if (values.config !== undefined && problems.some((p) => RULES_FOR[p.cause] !== undefined)) {
    // The configuration check of `check`, on the workspace layer: the same findings, rule ids and lines.
    const collected = collectNixFiles([values.config], nodeFs);
    if (collected.missing.length > 0) {
      io.stderr(`linux-builder-doctor explain: --config ${values.config}: no such file or folder\n`);
      return 2;
    }
    const { checked } = checkFiles(collected.files, nodeFs);
    const findings = checked.flatMap((c) => c.findings);
    const texts = new Map(checked.map((c) => [c.file, c.text]));
    problems = problems.map((p) => {
      const definitions = definitionsFor(p, findings, texts);
      return definitions.length > 0 ? { ...p, definitions } : p;
    });
  }
  if (format === 'json') io.stdout(`${JSON.stringify({ problems }, null, 2)}\n`);
  else io.stdout(formatText(problems, result.bytesRead));
  return problems.length > 0 ? 1 : 0;
}
