import * as vscode from 'vscode';
import type { ProbeResult, ProbeStatus, Verdict } from '../../protocol/probes.js';
import { copyableCommand, evidenceLabel, firstLine, formatDuration } from './format.js';
import type { HealthModel, TestBuildOutcome } from './model.js';

/** A row of the Builder Health tree; `kind` decides how it renders and what it expands to. */
export type HealthNode =
  | { kind: 'verdict'; verdict: Verdict }
  | { kind: 'running'; done: number; total: number }
  | { kind: 'error'; message: string }
  | { kind: 'testBuild'; outcome: TestBuildOutcome }
  | { kind: 'probe'; result: ProbeResult }
  | { kind: 'line'; label: string; tooltip?: string; icon?: string };

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
 * Renders the HealthModel: verdict on top, the last test build, then one row per probe with its
 * evidence as children. Pure rendering: no UI calls or I/O here (commands do those).
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
      const lines: HealthNode[] = (node.verdict.evidence ?? []).map((e) => ({
        kind: 'line',
        label: evidenceLabel(e),
        tooltip: e.stderr ?? e.detail,
      }));
      if (node.verdict.fix)
        lines.push({ kind: 'line', label: `Fix: ${node.verdict.fix.summary}`, icon: 'lightbulb' });
      return lines;
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
    for (const result of model.rows()) nodes.push({ kind: 'probe', result });
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
        const ok = node.verdict.cause === 'ok';
        const item = new vscode.TreeItem(
          ok ? 'Builder works' : `Verdict: ${node.verdict.cause}`,
          ok ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Expanded,
        );
        item.id = 'verdict';
        item.description = node.verdict.summary;
        item.tooltip = new vscode.MarkdownString(
          `**${node.verdict.cause}**: ${node.verdict.summary}${node.verdict.fix ? `\n\nFix: ${node.verdict.fix.summary}` : ''}`,
        );
        item.iconPath = ok ? icon('pass-filled', 'testing.iconPassed') : icon('error', 'testing.iconFailed');
        item.contextValue = 'verdict';
        if (ok) item.collapsibleState = vscode.TreeItemCollapsibleState.None;
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
        item.description =
          outcome.error ?? `exit ${outcome.exitCode ?? '?'} at ${outcome.finishedAt.toLocaleTimeString()}`;
        item.iconPath = passed
          ? icon('pass-filled', 'testing.iconPassed')
          : icon('error', 'testing.iconFailed');
        item.contextValue = 'testBuild';
        item.command = { command: 'linuxBuilderDoctor.showLog', title: 'Show Log' };
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
