import * as vscode from 'vscode';
import type { ExplainProblem, ExplainResult } from '../../protocol/lsp.js';
import { showRendered, type DoctorDocuments } from '../documents/provider.js';

/** What was shown for one explanation: the tests read it from the command's result. */
export interface Shown {
  result: ExplainResult;
  /** The notification's text ('' when nothing was recognised and nothing shown but the "nothing" message). */
  message: string;
  actions: string[];
  /** What "Show Details" does: every problem found, rendered read-only (linux-builder-doctor:/explain/details.md). */
  showDetails: () => Promise<vscode.TextDocument>;
}

const DETAILS_PATH = '/explain/details.md';

const RUN_HEALTH_CHECKS = 'Run Health Checks';
const OPEN_DEFINITION = 'Open Definition';
const SHOW_DETAILS = 'Show Details';

function problemMarkdown(p: ExplainProblem): string {
  const lines = [`## ${p.cause}`, '', p.summary, '', 'Seen in:', '', '```', ...p.evidence, '```'];
  for (const d of p.definitions ?? [])
    lines.push('', `Defined at \`${d.file}:${d.line}:${d.column}\` (${d.rule}): ${d.message}`);
  if (p.fix) {
    lines.push('', `**Fix:** ${p.fix.summary}`);
    if (p.fix.commands?.length) lines.push('', '```sh', ...p.fix.commands, '```');
    if (p.fix.docs) lines.push('', p.fix.docs);
  }
  if (p.confirm) lines.push('', `Confirm with: \`${p.confirm}\``);
  return lines.join('\n');
}

async function openDefinition(p: ExplainProblem): Promise<void> {
  const d = p.definitions?.[0];
  if (!d) return;
  const position = new vscode.Position(d.line - 1, d.column - 1);
  await vscode.window.showTextDocument(vscode.Uri.file(d.file), {
    selection: new vscode.Range(position, position),
  });
}

/**
 * Shows the first problem as a notification (cause, summary, fix) with its actions: Run Health
 * Checks, Open Definition for option errors found in the workspace, Show Details for everything.
 * Does not wait for the user's choice.
 */
export function showExplanation(documents: DoctorDocuments, result: ExplainResult): Shown {
  // A document of our read-only scheme, not an untitled one: closing it asks nothing.
  const showDetails = (): Promise<vscode.TextDocument> =>
    showRendered(
      documents.set(
        DETAILS_PATH,
        `# Linux Builder Doctor: explained\n\n${result.problems.map(problemMarkdown).join('\n\n')}\n`,
      ),
    );
  const first = result.problems[0];
  if (!first) {
    const message = 'Linux Builder Doctor: this text shows no builder problem it knows.';
    void vscode.window.showInformationMessage(message);
    return { result, message, actions: [], showDetails };
  }
  const more = result.problems.length > 1 ? ` (and ${result.problems.length - 1} more: Show Details)` : '';
  const message = `Linux Builder Doctor: ${first.cause}: ${first.summary}.${first.fix ? ` Fix: ${first.fix.summary}` : ''}${more}`;
  const actions = [RUN_HEALTH_CHECKS, ...(first.definitions?.length ? [OPEN_DEFINITION] : []), SHOW_DETAILS];
  void vscode.window.showWarningMessage(message, ...actions).then(async (choice) => {
    if (choice === RUN_HEALTH_CHECKS)
      await vscode.commands.executeCommand('linuxBuilderDoctor.runHealthChecks');
    else if (choice === OPEN_DEFINITION) await openDefinition(first);
    else if (choice === SHOW_DETAILS) await showDetails();
  });
  return { result, message, actions, showDetails };
}
