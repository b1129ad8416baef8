/**
 * A Markdown doctor report for bug reports: versions, the verdict, and every probe with its
 * status, summary and evidence. No secrets: the probes never read private key contents, and the
 * report is redacted field by field by allow-list before it is rendered (redact.ts); the home
 * directory is shown as `~`.
 */
import { homedir } from 'node:os';
import type { Evidence, ProbeReport } from '../protocol/probes.js';
import { displayCommand } from '../protocol/shellText.js';
import { redactReport, redactText } from './redact.js';

const STATUS_MARK: Record<string, string> = {
  ok: '✅ ok',
  warn: '⚠️ warn',
  fail: '❌ fail',
  skip: '⏭️ skip',
  'needs-admin': '🔒 needs admin',
};

/** Remove private key material, secrets in URIs and home paths from text bound for a public report. */
export function redact(text: string, home: string = homedir()): string {
  return redactText(text, home);
}

function fence(text: string): string {
  const ticks = text.includes('```') ? '````' : '```';
  return `${ticks}\n${text}\n${ticks}`;
}

function quoteArgv(argv: string[]): string {
  return displayCommand(argv);
}

function renderEvidence(e: Evidence): string {
  const lines: string[] = [];
  if (e.argv)
    lines.push(
      `$ ${quoteArgv(e.argv)}${e.exitCode !== undefined ? `   # exit ${e.exitCode ?? 'none'}` : ''}`,
    );
  if (e.file) lines.push(`file: ${e.file}`);
  if (e.detail) lines.push(e.detail);
  if (e.stderr) lines.push(`stderr:\n${e.stderr}`);
  return lines.join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Always redacted: this text is meant to be pasted into a public bug report. */
export function renderMarkdownReport(
  raw: ProbeReport,
  extra?: { toolVersion?: string; home?: string },
): string {
  const home = extra?.home ?? homedir();
  const report = redactReport(raw, home);
  const out: string[] = [];
  out.push('# Linux Builder Doctor report', '');
  out.push(`- Tool: linux-builder-doctor ${extra?.toolVersion ?? ''}`.trimEnd());
  out.push(`- Platform: ${report.platform}`);
  out.push(`- Nix: ${report.nixVersion ?? 'not found'}`);
  out.push(`- Generated: ${new Date().toISOString()}`, '');
  out.push('## Verdict', '');
  out.push(`**${report.verdict.cause}**: ${report.verdict.summary}`, '');
  if (report.verdict.fix) {
    out.push(`**Fix:** ${report.verdict.fix.summary}`, '');
    if (report.verdict.fix.commands?.length) out.push(fence(report.verdict.fix.commands.join('\n')), '');
    if (report.verdict.fix.docs) out.push(`Docs: ${report.verdict.fix.docs}`, '');
  }
  out.push('## Probes', '', '| Probe | Status | Summary | Time |', '|---|---|---|---|');
  for (const r of report.results)
    out.push(
      `| ${cell(r.title)} (\`${r.id}\`) | ${STATUS_MARK[r.status] ?? r.status} | ${cell(r.summary)} | ${r.durationMs} ms |`,
    );
  out.push('', '## Evidence', '');
  for (const r of report.results) {
    if (r.evidence.length === 0) continue;
    out.push(`### ${r.title} (\`${r.id}\`): ${r.status}`, '');
    out.push(fence(r.evidence.map(renderEvidence).join('\n\n')), '');
  }
  out.push(
    '_Private keys are never read by the doctor; values that may be secret (ssh commands and environment, passwords, unknown output lines) are hidden; paths under your home directory are shown as `~`._',
    '',
  );
  return out.join('\n');
}
