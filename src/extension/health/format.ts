import { causeHeadline } from '../../protocol/causeHeadlines.js';
import type { TestBuildOutcome } from './model.js';
import type { Evidence, ProbeResult, Verdict } from '../../protocol/probes.js';
import { fence } from '../../protocol/reportMarkdown.js';
import { displayCommand, hasControlCharacter, shellCommandOrUndefined } from '../../protocol/shellText.js';

/** An argv for reading (tree rows, evidence documents): quoted, control characters shown as escapes. */
export function commandLine(argv: string[]): string {
  return displayCommand(argv);
}

/**
 * The text "Fix…" types into a terminal: the fix's commands joined with && (one Enter runs them in
 * order and stops at the first failure), or undefined when any holds a control character. The
 * only newline a terminal may get is the Enter the user presses (src/protocol/shellText.ts).
 */
export function terminalText(commands: readonly string[]): string | undefined {
  if (commands.length === 0 || commands.some(hasControlCharacter)) return undefined;
  return commands.join(' && ');
}

/** One line per piece of evidence, for the tree's child rows. */
export function evidenceLabel(evidence: Evidence): string {
  if (evidence.argv) {
    const exit = evidence.exitCode === undefined ? '' : ` → exit ${evidence.exitCode ?? 'none'}`;
    return `$ ${commandLine(evidence.argv)}${exit}`;
  }
  if (evidence.file)
    return `file ${evidence.file}${evidence.detail ? `: ${firstLine(evidence.detail)}` : ''}`;
  if (evidence.detail) return firstLine(evidence.detail);
  if (evidence.stderr) return firstLine(evidence.stderr);
  return '(no detail)';
}

export function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}…` : line;
}

/** The command a user can copy to re-check a probe by hand: what it ran, else the fix's commands. */
export function copyableCommand(result: ProbeResult): string | undefined {
  const ran = result.evidence.find((e) => e.argv && e.argv.length > 0)?.argv;
  // A value with a control character is not copied at all (it would not paste as what ran).
  if (ran) return shellCommandOrUndefined(ran);
  const commands = result.fix?.commands;
  if (commands?.length) return commands.some(hasControlCharacter) ? undefined : commands.join('\n');
  return undefined;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function evidenceAndFix(evidence: readonly Evidence[], fix: ProbeResult['fix']): string[] {
  const parts: string[] = [];
  for (const e of evidence) {
    if (e.argv)
      parts.push(
        `Command (exit ${e.exitCode === undefined ? '?' : String(e.exitCode)}):`,
        '',
        fence(commandLine(e.argv)),
        '',
      );
    if (e.file) parts.push(`File: \`${e.file}\``, '');
    if (e.detail) parts.push(fence(e.detail), '');
    if (e.stderr) parts.push('stderr:', '', fence(e.stderr), '');
  }
  if (fix) {
    parts.push('## Fix', '', fix.summary, '');
    if (fix.commands?.length) parts.push(fence(fix.commands.join('\n')), '');
    if (fix.docs) parts.push(`See ${fix.docs}`, '');
  }
  return parts;
}

/** Full evidence of one probe as Markdown ("Show Evidence"). */
export function evidenceMarkdown(result: ProbeResult): string {
  const parts = [`# ${result.title} — ${result.status}`, '', result.summary, ''];
  parts.push(...evidenceAndFix(result.evidence, result.fix));
  parts.push(`_Probe \`${result.id}\`, ${formatDuration(result.durationMs)}._`);
  return parts.join('\n');
}

/** The verdict as Markdown: the headline first, the cause id and the deciding probe after it. */
export function verdictMarkdown(verdict: Verdict): string {
  const parts = [`# ${causeHeadline(verdict.cause)}`, '', verdict.summary, ''];
  parts.push(...evidenceAndFix(verdict.evidence ?? [], verdict.fix));
  parts.push(
    `_Cause \`${verdict.cause}\`${verdict.probe ? `, decided by the probe \`${verdict.probe}\`` : ''}._`,
  );
  return parts.join('\n');
}

/** A failed test build's diagnosis (the CLI's result lines) as Markdown ("Show Fix"). */
export function testBuildMarkdown(outcome: TestBuildOutcome): string {
  const title = outcome.cause ? causeHeadline(outcome.cause) : 'The test build failed';
  const parts = [`# ${title}`, '', `The ${outcome.system} test build failed.`, ''];
  if (outcome.summary) parts.push(outcome.summary, '');
  parts.push(...evidenceAndFix([], outcome.fix));
  if (outcome.cause)
    parts.push(`_Cause \`${outcome.cause}\`; the build's log is in the "Test Linux Builder" terminal._`);
  return parts.join('\n');
}
