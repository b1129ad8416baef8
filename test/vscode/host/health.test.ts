import * as assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, hostEnv, labelOf, pollUntil } from './hostEnv.js';

// Local mirrors of the shapes (src/protocol/probes.ts); the in-host bundle stays self-contained.
interface ProbeResult {
  id: string;
  title: string;
  status: string;
  summary: string;
  evidence: Array<{ argv?: string[] }>;
  fix?: { summary: string; commands?: string[] };
}
interface ProbeReport {
  results: ProbeResult[];
  verdict: { cause: string; summary: string };
}
type Node = { kind: string; result?: ProbeResult; verdict?: { cause: string } };
interface DoctorApi {
  serverReady: Promise<void>;
  ctx: {
    model: { report: ProbeReport | undefined };
    tree: { getChildren(node?: Node): Node[]; getTreeItem(node: Node): vscode.TreeItem };
  };
}

describe('Builder Health view', () => {
  const env = hostEnv();
  let api: DoctorApi;
  let report: ProbeReport;

  before(async () => {
    const extension = vscode.extensions.getExtension<DoctorApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    await api.serverReady;
  });

  it('"Run Health Checks" lists one row per probe under the verdict', async () => {
    const started = performance.now();
    const answer = await vscode.commands.executeCommand<ProbeReport | undefined>(
      'linuxBuilderDoctor.runHealthChecks',
    );
    appendFileSync(env.figuresFile, `${JSON.stringify({ healthChecksMs: performance.now() - started })}\n`);
    assert.ok(
      answer && Array.isArray(answer.results),
      `a probe report, got ${JSON.stringify(answer)?.slice(0, 300)}`,
    );
    report = answer;
    assert.ok(report.results.length >= 5, `probe rows: ${report.results.map((r) => r.id).join(',')}`);
    if (env.builderUp)
      assert.equal(report.verdict.cause, 'ok', `healthy loopback builder: ${report.verdict.summary}`);
    else assert.notEqual(report.verdict.cause, 'ok', 'a builder that is down is not ok');
    const roots = api.ctx.tree.getChildren();
    assert.equal(roots[0]?.kind, 'verdict', 'verdict on top');
    const verdictItem = api.ctx.tree.getTreeItem(roots[0]);
    assert.match(labelOf(verdictItem), env.builderUp ? /Builder works/ : new RegExp(report.verdict.cause));
    const rows = roots.filter((n) => n.kind === 'probe');
    assert.deepEqual(
      rows.map((n) => n.result?.id),
      report.results.map((r) => r.id),
    );
    for (const row of rows) {
      const item = api.ctx.tree.getTreeItem(row);
      assert.ok(String(item.description).length > 0, `${row.result?.id} has a summary and duration`);
      assert.ok(item.iconPath instanceof vscode.ThemeIcon, `${row.result?.id} has a status icon`);
      assert.match(String(item.contextValue), new RegExp(`status-${row.result?.status}`));
    }
    const withEvidence = rows.find((n) => (n.result?.evidence.length ?? 0) > 0);
    assert.ok(withEvidence, 'some probe carries evidence');
    assert.ok(
      api.ctx.tree.getChildren(withEvidence).length >= withEvidence.result!.evidence.length,
      'evidence expands under its row',
    );
  });

  it('"Show Evidence" opens the probe\'s evidence as Markdown', async () => {
    const probe = report.results.find((r) => r.evidence.length > 0)!;
    const document = await vscode.commands.executeCommand<vscode.TextDocument>(
      'linuxBuilderDoctor.showEvidence',
      probe.id,
    );
    assert.equal(document.languageId, 'markdown');
    assert.ok(document.getText().includes(probe.title));
  });

  it('re-runs the checks when the staged /etc/nix/machines changes (file watcher on an absolute path)', async () => {
    const before = api.ctx.model.report;
    const machines = join(env.stagedRoot, 'etc/nix/machines');
    writeFileSync(machines, `${readFileSync(machines, 'utf8')}# touched by the test\n`);
    await pollUntil('a new report after the machines file changed', 60_000, () =>
      api.ctx.model.report !== before && api.ctx.model.report ? true : undefined,
    );
  });

  it('"Open Doctor Report" opens an untitled Markdown document naming the verdict', async () => {
    const document = await vscode.commands.executeCommand<vscode.TextDocument>(
      'linuxBuilderDoctor.openReport',
    );
    assert.equal(document.languageId, 'markdown');
    assert.ok(document.isUntitled);
    assert.ok(document.getText().includes(report.verdict.cause), 'the report names the cause id');
  });

  it('"Copy Command" puts the command a probe ran on the clipboard', async () => {
    const probe = report.results.find((r) => r.evidence.some((e) => e.argv && e.argv.length > 0));
    assert.ok(probe, 'some probe ran a command');
    const copied = await vscode.commands.executeCommand<string>('linuxBuilderDoctor.copyCommand', probe.id);
    assert.ok(copied.startsWith(probe.evidence.find((e) => e.argv)!.argv![0]), copied);
    assert.equal(await vscode.env.clipboard.readText(), copied);
  });

  it('"Fix…" opens a terminal with the fix commands typed but not run (and none when nothing needs fixing)', async () => {
    const probe = report.results.find((r) => r.fix?.commands && r.fix.commands.length > 0);
    if (!probe) {
      if (!env.builderUp) assert.fail('a failing chain offers at least one shell fix');
      // A healthy builder: a row without a fix opens no terminal.
      const healthy = report.results.find((r) => r.fix === undefined);
      assert.ok(healthy, 'some probe has nothing to fix');
      const terminalsBefore = vscode.window.terminals.length;
      const none = await vscode.commands.executeCommand<vscode.Terminal | undefined>(
        'linuxBuilderDoctor.fixProbe',
        healthy.id,
      );
      assert.equal(none, undefined);
      assert.equal(vscode.window.terminals.length, terminalsBefore, 'no terminal was opened');
      return;
    }
    const terminal = await vscode.commands.executeCommand<vscode.Terminal>(
      'linuxBuilderDoctor.fixProbe',
      probe.id,
    );
    assert.ok(terminal, 'a terminal');
    assert.equal(terminal.name, `Fix: ${probe.title}`);
    assert.equal(terminal.exitStatus, undefined, 'the shell is still waiting for the user');
    terminal.dispose();
  });

  it('with no builder configured the view is empty so its welcome text shows', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'lbd-no-builder-'));
    mkdirSync(join(empty, 'etc', 'nix'), { recursive: true });
    writeFileSync(join(empty, 'etc', 'nix', 'nix.conf'), 'sandbox = false\n');
    const config = vscode.workspace.getConfiguration('linuxBuilderDoctor');
    await config.update('probes.root', empty, vscode.ConfigurationTarget.Global);
    try {
      const answer = await vscode.commands.executeCommand<ProbeReport>('linuxBuilderDoctor.runHealthChecks');
      assert.equal(answer.verdict.cause, 'no-builder-configured', answer.verdict.summary);
      assert.deepEqual(
        api.ctx.tree.getChildren().filter((n) => n.kind !== 'testBuild'),
        [],
      );
    } finally {
      await config.update('probes.root', env.stagedRoot, vscode.ConfigurationTarget.Global);
    }
  });
});
