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
import type { ExplainDefinition } from '../../protocol/lsp.js';
import { Explainer, type ExplainedProblem } from '../../probes/explain/engine.js';
import { attachDefinitions } from '../../workspace/explainDefinitions.js';
import { nodeFs } from '../../workspace/fileSystem.js';
import { parseArgs, UsageError, type ParsedArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { printable, printablePath } from '../../protocol/shellText.js';
import { errorText } from '../../protocol/errorText.js';

export type ExplainOutputProblem = ExplainedProblem & { definitions?: ExplainDefinition[] };

/** Everything printed comes from the input text (or names in it): escaped, like `check` does. */
function formatText(problems: ExplainOutputProblem[], bytes: number): string {
  if (problems.length === 0) {
    return `linux-builder-doctor explain: nothing recognised in ${bytes} characters: the text shows no builder problem this tool knows.\n`;
  }
  const out = [`linux-builder-doctor explain: ${problems.length} problem(s) recognised`];
  for (const p of problems) {
    out.push(
      '',
      `[${p.cause}] ${printable(p.summary)}${p.occurrences > 1 ? ` (${p.occurrences} times)` : ''}`,
    );
    out.push('  seen in:');
    for (const line of p.evidence) out.push(`    | ${printable(line, { keepTabs: true })}`);
    for (const d of p.definitions ?? [])
      out.push(
        `  defined at: ${printablePath(d.file)}:${d.line}:${d.column} [${d.rule}] ${printable(d.message)}`,
      );
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
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs('explain', args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`linux-builder-doctor explain: ${error.message}\n`);
    return 2;
  }
  const format = parsed.flags.get('format') ?? 'text';
  if (format !== 'text' && format !== 'json') {
    io.stderr(`linux-builder-doctor explain: --format must be text or json, not '${format}'\n`);
    return 2;
  }
  const positionals = parsed.positional;
  const config = parsed.flags.get('config');
  if (positionals.length > 1) {
    io.stderr('linux-builder-doctor explain: name one file, or - (or nothing) for stdin\n');
    return 2;
  }
  const source = positionals[0] ?? '-';
  const stdin = io.stdin;
  if (
    source === '-' &&
    (stdin === undefined || (positionals.length === 0 && (stdin as { isTTY?: boolean }).isTTY === true))
  ) {
    io.stderr('linux-builder-doctor explain: pipe the error text in, or name a file (see --help)\n');
    return 2;
  }
  const explainer = new Explainer();
  try {
    await readInto(explainer, source === '-' && stdin !== undefined ? stdin : createReadStream(source));
  } catch (error) {
    io.stderr(`linux-builder-doctor explain: ${errorText(error)}\n`);
    return 2;
  }
  const result = explainer.finish();
  let problems: ExplainOutputProblem[] = result.problems;
  if (config !== undefined) {
    // The configuration check of `check`, on the workspace layer: the same findings, rule ids and lines.
    const located = attachDefinitions(problems, [config], nodeFs);
    if (located.missing.length > 0) {
      io.stderr(`linux-builder-doctor explain: --config ${printablePath(config)}: no such file or folder\n`);
      return 2;
    }
    problems = located.problems;
  }
  if (format === 'json') io.stdout(`${JSON.stringify({ problems }, null, 2)}\n`);
  else io.stdout(formatText(problems, result.bytesRead));
  return problems.length > 0 ? 1 : 0;
}
