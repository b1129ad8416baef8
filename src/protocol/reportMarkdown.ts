/**
 * The one Markdown doctor report (versions, the verdict, every probe with its status, summary and
 * evidence) and the Markdown pieces the editor's evidence pages share with it. Rendering only: the
 * report must already be redacted (src/probes/markdownReport.ts redacts and renders; the CLI's
 * `probe --format json`, the extension's fallback when the server is down, is redacted the same
 * way). It lives in src/protocol because the extension may import only this layer
 * (docs/dev/architecture.md#layers), and the CLI, the server and the extension must give the same report.
 */
import type { Evidence, ProbeReport } from './probes.js';
import { displayCommand } from './shellText.js';

const STATUS_MARK: Record<string, string> = {
  ok: '✅ ok',
  warn: '⚠️ warn',
  fail: '❌ fail',
  skip: '⏭️ skip',
  'needs-admin': '🔒 needs admin',
};

/**
 * `text` as a fenced code block. The fence is one backtick longer than the longest run of backticks
 * in the text (at least three), so output that contains a fence itself cannot close it early.
 */
export function fence(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(Math.max(3, longest + 1));
  return `${ticks}\n${text.trimEnd()}\n${ticks}`;
}

/** Text for one table cell: a `|` would end the cell, a newline the row. */
export function tableCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function evidenceText(e: Evidence): string {
  const lines: string[] = [];
  if (e.argv)
    lines.push(
      `$ ${displayCommand(e.argv)}${e.exitCode !== undefined ? `   # exit ${e.exitCode ?? 'none'}` : ''}`,
    );
  if (e.file) lines.push(`file: ${e.file}`);
  if (e.detail) lines.push(e.detail);
  if (e.stderr) lines.push(`stderr:\n${e.stderr}`);
  return lines.join('\n');
}

/** The report of an already redacted probe run, for a bug report. */
export function renderReportMarkdown(
  report: ProbeReport,
  meta: { toolVersion?: string | undefined; generated?: Date } = {},
): string {
  const out: string[] = [];
  out.push('# Linux Builder Doctor report', '');
  out.push(`- Tool: linux-builder-doctor ${meta.toolVersion ?? ''}`.trimEnd());
  out.push(`- Platform: ${report.platform}`);
  out.push(`- Nix: ${report.nixVersion ?? 'not found'}`);
  out.push(`- Generated: ${(meta.generated ?? new Date()).toISOString()}`, '');
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
      `| ${tableCell(r.title)} (\`${r.id}\`) | ${STATUS_MARK[r.status] ?? r.status} | ${tableCell(r.summary)} | ${r.durationMs} ms |`,
    );
  out.push('', '## Evidence', '');
  for (const r of report.results) {
    if (r.evidence.length === 0) continue;
    out.push(`### ${r.title} (\`${r.id}\`): ${r.status}`, '');
    out.push(fence(r.evidence.map(evidenceText).join('\n\n')), '');
  }
  out.push(
    '_Private keys are never read by the doctor; values that may be secret (ssh commands and environment, passwords, unknown output lines) are hidden; paths under your home directory are shown as `~`._',
    '',
  );
  return out.join('\n');
}
