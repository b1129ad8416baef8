import type * as vscode from 'vscode';
import { causeHeadline } from '../../protocol/causeHeadlines.js';
import type { ProbeReport, ProbeResult, Verdict } from '../../protocol/probes.js';

/**
 * How the Builder Health view leads with the answer: a headline in plain words (TreeView.message,
 * which wraps at any sidebar width, unlike a row's label), a badge while the builder is broken,
 * and the probe rows that only repeat the verdict folded under it.
 */

/**
 * A verdict that says the builder is broken. Not: no builder at all (a setup state, the welcome
 * text explains it) and needs-admin (the checks so far passed; the rest must run as root).
 */
export function isFailure(verdict: Verdict): boolean {
  return !['ok', 'no-builder-configured', 'needs-admin'].includes(verdict.cause);
}

/** The headline above the tree: the answer first, the cause id after it for searching. */
export function verdictMessage(verdict: Verdict): string {
  const headline = causeHeadline(verdict.cause);
  if (verdict.cause === 'ok') return `✓ ${headline}.`;
  if (!isFailure(verdict)) return `${headline}. (${verdict.cause})`;
  return `Builder broken: ${headline}. (${verdict.cause})`;
}

/** The activity-bar badge: one problem, while the verdict is a failure. */
export function verdictBadge(verdict: Verdict | undefined): vscode.ViewBadge | undefined {
  if (!verdict || !isFailure(verdict)) return undefined;
  return { value: 1, tooltip: `Linux builder broken: ${causeHeadline(verdict.cause)}` };
}

/**
 * The probes whose row would only repeat the verdict: the one that decided it and those that
 * failed or warned with the same cause (their evidence is already the verdict's, src/probes/verdict.ts).
 */
export function repeatsVerdict(report: ProbeReport, result: ProbeResult): boolean {
  const { verdict } = report;
  if (verdict.cause === 'ok') return false;
  if (verdict.probe === result.id) return true;
  return result.cause === verdict.cause && result.status !== 'ok' && result.status !== 'skip';
}

/**
 * The verdict in the shape the row actions take (Fix…, Copy Fix, Show Evidence): its headline as
 * the title, the verdict's own evidence and fix.
 */
export function verdictAsResult(verdict: Verdict, decider: ProbeResult | undefined): ProbeResult {
  return {
    id: verdict.probe ?? decider?.id ?? 'platform',
    title: causeHeadline(verdict.cause),
    status: decider?.status ?? (verdict.cause === 'ok' ? 'ok' : 'fail'),
    summary: verdict.summary,
    evidence: verdict.evidence ?? [],
    durationMs: decider?.durationMs ?? 0,
    cause: verdict.cause,
    ...(verdict.fix ? { fix: verdict.fix } : {}),
  };
}
