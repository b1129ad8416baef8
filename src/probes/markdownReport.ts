/**
 * The doctor report for bug reports, redacted: the report is redacted field by field by allow-list
 * (redact.ts; the probes never read private key contents, the home directory is shown as `~`), then
 * rendered by the one Markdown report (src/protocol/reportMarkdown.ts).
 */
import { homedir } from 'node:os';
import type { ProbeReport } from '../protocol/probes.js';
import { renderReportMarkdown } from '../protocol/reportMarkdown.js';
import { redactReport, redactText } from './redact.js';

/** Remove private key material, secrets in URIs and home paths from text bound for a public report. */
export function redact(text: string, home: string = homedir()): string {
  return redactText(text, home);
}

/** Always redacted: this text is meant to be pasted into a public bug report. */
export function renderMarkdownReport(
  raw: ProbeReport,
  extra?: { toolVersion?: string; home?: string },
): string {
  return renderReportMarkdown(redactReport(raw, extra?.home ?? homedir()), {
    toolVersion: extra?.toolVersion,
  });
}
