import * as vscode from 'vscode';
import type { ProbeResult, ProbeStatus, Verdict } from '../../protocol/probes.js';
import { copyableCommand, evidenceLabel, firstLine, formatDuration } from './format.js';
import type { HealthModel, TestBuildOutcome } from './model.js';
import { isFailure, repeatsVerdict } from './verdict.js';
import { causeHeadline } from '../../protocol/causeHeadlines.js';

/** A row of the Builder Health tree; `kind` decides how it renders and what it expands to. */
export type HealthNode =
  | { kind: 'verdict'; verdict: Verdict }
  | { kind: 'running'; done: number; total: number }
  | { kind: 'error'; message: string }
  | { kind: 'testBuild'; outcome: TestBuildOutcome }
  | { kind: 'probe'; result: ProbeResult }
  | { kind: 'line'; label: string; tooltip?: string | undefined; icon?: string };

const STATUS_ICON: Record<ProbeStatus, [string, string | undefined]> = {
  ok: ['pass', 'testing.iconPassed'],
  warn: ['warning', 'list.warningForeground'],
  fail: ['error', 'testing.iconFailed'],
  skip: ['circle-slash', 'disabledForeground'],
  'needs-admin': ['shield', 'list.warningForeground'],
};

function icon(name: string, color?: string): vscode.ThemeIcon {
  return new vscode.ThemeIcon(name, color ? new vscode.ThemeColor(color) : undefined);
}

/**
 * Renders the HealthModel: the verdict on top (with the probe rows that only repeat it folded
 * under it), the last test build, then one row per other probe with its evidence as children. Pure rendering: no UI calls or I/O here (commands do those).
 */
export class HealthTreeProvider implements vscode.TreeDataProvider<HealthNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<HealthNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly model: HealthModel) {
    this.subscription = model.onDidChange(() => this.changed.fire(undefined));
  }

  getChildren(node?: HealthNode): HealthNode[] {
    if (!node) return this.roots();
    if (node.kind === 'probe') return this.probeChildren(node.result);
    if (node.kind === 'verdict') {
      // The probe rows that only repeat the verdict live here; their evidence is the verdict's.
      const report = this.model.report;
      const folded: HealthNode[] = report
        ? report.results.filter((r) => repeatsVerdict(report, r)).map((result) => ({ kind: 'probe', result }))
        : [];
      if (node.verdict.fix)
        folded.push({
          kind: 'line',
          label: `Fix: ${node.verdict.fix.summary}`,
          icon: 'lightbulb',
          tooltip: node.verdict.fix.commands?.join('\n'),
        });
      return folded;
    }
    return [];
  }

  private roots(): HealthNode[] {
    const model = this.model;
    // No builder at all: leave the tree empty so the view's welcome content explains what to enable.
    if (!model.running && model.report?.verdict.cause === 'no-builder-configured' && !model.testBuild)
      return [];
    const nodes: HealthNode[] = [];
    if (model.running) nodes.push({ kind: 'running', done: model.partial.length, total: model.total });
    else if (model.report) nodes.push({ kind: 'verdict', verdict: model.report.verdict });
    if (model.lastError) nodes.push({ kind: 'error', message: model.lastError });
    if (model.testBuild) nodes.push({ kind: 'testBuild', outcome: model.testBuild });
    const report = model.running ? undefined : model.report;
    for (const result of model.rows())
      if (!report || !repeatsVerdict(report, result)) nodes.push({ kind: 'probe', result });
    return nodes;
  }

  private probeChildren(result: ProbeResult): HealthNode[] {
    const lines: HealthNode[] = result.evidence.map((e) => ({
      kind: 'line',
      label: evidenceLabel(e),
      tooltip: e.stderr ?? e.detail,
    }));
    if (result.fix)
      lines.push({
        kind: 'line',
        label: `Fix: ${result.fix.summary}`,
        icon: 'lightbulb',
        tooltip: result.fix.commands?.join('\n'),
      });
    return lines;
  }

  getTreeItem(node: HealthNode): vscode.TreeItem {
    switch (node.kind) {
      case 'verdict': {
        const { verdict } = node;
        const ok = verdict.cause === 'ok';
        const headline = causeHeadline(verdict.cause);
        const item = new vscode.TreeItem(
          headline,
          ok ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Expanded,
        );
        item.id = 'verdict';
        // The cause id is secondary: after the headline, for searching and bug reports.
        item.description = verdict.cause;
        item.tooltip = new vscode.MarkdownString(
          `**${headline}** (${verdict.cause})\n\n${verdict.summary}${verdict.fix ? `\n\nFix: ${verdict.fix.summary}` : ''}`,
        );
        item.iconPath = ok
          ? icon('pass-filled', 'testing.iconPassed')
          : isFailure(verdict)
            ? icon('error', 'testing.iconFailed')
            : icon('shield', 'list.warningForeground');
        const flags = [];
        if (verdict.fix) flags.push('hasFix');
        item.contextValue = ['verdict', ...flags].join(' ');
        item.accessibilityInformation = {
          label: `Verdict: ${headline} (${verdict.cause}). ${verdict.summary}`,
        };
        // Clicking the answer opens its proof.
        item.command = {
          command: 'linuxBuilderDoctor.showEvidence',
          title: 'Show Evidence',
          arguments: [node],
        };
        return item;
      }
      case 'running': {
        const item = new vscode.TreeItem(
          `Running health checks… ${node.total ? `${node.done}/${node.total}` : ''}`.trim(),
        );
        item.id = 'running';
        item.iconPath = new vscode.ThemeIcon('loading~spin');
        return item;
      }
      case 'error': {
        const item = new vscode.TreeItem('Health checks failed to run');
        item.id = 'error';
        item.description = firstLine(node.message);
        item.tooltip = node.message;
        item.iconPath = icon('error', 'testing.iconFailed');
        return item;
      }
      case 'testBuild': {
        const { outcome } = node;
        const passed = outcome.exitCode === 0;
        const item = new vscode.TreeItem(
          passed ? `Test build passed (${outcome.system})` : `Test build failed (${outcome.system})`,
        );
        item.id = 'testBuild';
        item.description = outcome.cause
          ? `${causeHeadline(outcome.cause)} (${outcome.cause})`
          : (outcome.error ??
            `exit ${outcome.exitCode ?? '?'} at ${outcome.finishedAt.toLocaleTimeString()}`);
        item.iconPath = passed
          ? icon('pass-filled', 'testing.iconPassed')
          : icon('error', 'testing.iconFailed');
        item.contextValue = 'testBuild';
        item.command =
          !passed && outcome.fix
            ? { command: 'linuxBuilderDoctor.showTestBuildFix', title: 'Show Fix' }
            : { command: 'linuxBuilderDoctor.showLog', title: 'Show Log' };
        return item;
      }
      case 'probe': {
        const { result } = node;
        const hasChildren = result.evidence.length > 0 || result.fix !== undefined;
        const item = new vscode.TreeItem(
          result.title,
          hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
        );
        item.id = `probe:${result.id}`;
        item.description = `${result.summary} · ${formatDuration(result.durationMs)}`;
        item.tooltip = new vscode.MarkdownString(
          `**${result.title}** (\`${result.id}\`): ${result.status}\n\n${result.summary}`,
        );
        const [name, color] = STATUS_ICON[result.status];
        item.iconPath = icon(name, color);
        const flags = [`status-${result.status}`];
        if (copyableCommand(result)) flags.push('hasCommand');
        if (result.fix) flags.push('hasFix');
        item.contextValue = `probe ${flags.join(' ')}`;
        item.accessibilityInformation = { label: `${result.title}: ${result.status}. ${result.summary}` };
        return item;
      }
      case 'line': {
        const item = new vscode.TreeItem(node.label);
        if (node.tooltip) item.tooltip = node.tooltip;
        if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon);
        item.contextValue = 'evidence';
        return item;
      }
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
