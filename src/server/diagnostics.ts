/**
 * Finding -> LSP Diagnostic. The diagnostic carries what a code action needs to find its fixes
 * again (`data`), and the document version it was computed for, so fixes for an older text are
 * refused rather than applied to the wrong place.
 */
import { pathToFileURL } from 'node:url';
import {
  DiagnosticSeverity,
  DiagnosticTag,
  type Diagnostic,
  type DiagnosticRelatedInformation,
} from 'vscode-languageserver';
import type { Finding, Severity } from '../protocol/findings.js';

export const DIAGNOSTIC_SOURCE = 'linux-builder-doctor';

/** The version in the data of a closed file's diagnostics (read from disk, no document version). */
export const DISK_VERSION = -1;

/** What `Diagnostic.data` holds for our diagnostics. */
export interface DiagnosticData {
  /** Document version the finding was computed for. */
  version: number;
  /** Index of the finding in that version's analysis. */
  index: number;
  /** Titles of the finding's fixes, in order (the fixes' identities within the finding). */
  fixes: string[];
}

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function ruleDocsUrl(docsBaseUrl: string, ruleId: string): string {
  return `${docsBaseUrl}/${encodeURIComponent(ruleId)}.md`;
}

/**
 * `uri`: the analysed document's, for related information in the same file (a finding's `related`
 * without a file); other files' paths become file URIs.
 */
export function toDiagnostic(
  finding: Finding,
  index: number,
  version: number,
  docsBaseUrl: string,
  uri?: string,
): Diagnostic {
  const data: DiagnosticData = { version, index, fixes: finding.fixes.map((f) => f.title) };
  const relatedInformation: DiagnosticRelatedInformation[] = [];
  for (const r of finding.related ?? []) {
    const target = r.file !== undefined ? pathToFileURL(r.file).href : uri;
    if (target !== undefined)
      relatedInformation.push({ location: { uri: target, range: r.range }, message: r.message });
  }
  return {
    ...(relatedInformation.length > 0 ? { relatedInformation } : {}),
    range: finding.range,
    severity: severities[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.code,
    codeDescription: { href: ruleDocsUrl(docsBaseUrl, finding.code) },
    message: finding.message,
    data,
    // Editors strike through options that were removed upstream (`nix.linux-builder.modules`).
    ...(finding.code === 'removed-option' ? { tags: [DiagnosticTag.Deprecated] } : {}),
  };
}

export function readDiagnosticData(diagnostic: Diagnostic): DiagnosticData | undefined {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE) return undefined;
  const data: unknown = diagnostic.data;
  if (typeof data !== 'object' || data === null) return undefined;
  const { version, index } = data as Partial<DiagnosticData>;
  if (typeof version !== 'number' || typeof index !== 'number') return undefined;
  const fixes = (data as Partial<DiagnosticData>).fixes;
  return {
    version,
    index,
    fixes: Array.isArray(fixes) ? fixes.filter((f): f is string => typeof f === 'string') : [],
  };
}
