import * as assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, hostEnv, labelOf, pollUntil } from './hostEnv.js';
import { assertRenderedAndClosable, dirtyDocuments } from './rendered.js';
import { itemAt } from '../../util/itemAt.js';

// Local mirrors of the shapes (src/protocol/probes.ts); the in-host bundle stays self-contained.
interface ProbeResult {
  id: string;
  title: string;
  status: string;
  summary: string;
  evidence: Array<{ argv?: string[] }>;
  fix?: { summary: string; commands?: string[] };
  cause?: string;
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
    view: vscode.TreeView<unknown>;
    status: {
      current: { text: string; detail: string | undefined; severity: vscode.LanguageStatusSeverity };
    };
    welcomeState(): string;
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
    // The label is the plain-words headline; the cause id is secondary (the description).
    assert.doesNotMatch(labelOf(verdictItem), /^Verdict:/);
    assert.equal(String(verdictItem.description), report.verdict.cause);
    if (env.builderUp) assert.match(labelOf(verdictItem), /works/);
    assert.ok(labelOf(verdictItem).length > 0 && !labelOf(verdictItem).includes(report.verdict.cause));
    assert.equal(
      verdictItem.command?.command,
      'linuxBuilderDoctor.showEvidence',
      'a click opens the evidence',
    );
    // The headline above the tree (TreeView.message wraps at any width) and the badge.
    assert.ok(api.ctx.view.message?.includes(labelOf(verdictItem)), String(api.ctx.view.message));
    if (env.builderUp) {
      assert.equal(api.ctx.view.badge, undefined, 'no badge while the builder works');
      assert.doesNotMatch(api.ctx.status.current.text, /broken/);
    } else {
      assert.equal(api.ctx.view.badge?.value, 1, 'a badge while the builder is broken');
      assert.match(api.ctx.status.current.text, /builder broken/);
      assert.equal(api.ctx.status.current.severity, vscode.LanguageStatusSeverity.Error);
      assert.match(String(verdictItem.contextValue), /^verdict hasFix/, 'Fix… and Copy Fix on the verdict');
    }
    // Probe rows that only repeat the verdict are folded under it; together they are every probe once.
    const top = roots.filter((n) => n.kind === 'probe');
    const folded = api.ctx.tree.getChildren(roots[0]).filter((n) => n.kind === 'probe');
    assert.deepEqual(
      [...top, ...folded].map((n) => n.result?.id).sort(),
      report.results.map((r) => r.id).sort(),
    );
    if (!env.builderUp) {
      assert.ok(
        folded.some((n) => n.result?.id === (report.verdict as { probe?: string }).probe),
        'the deciding probe is folded under the verdict',
      );
      for (const n of top) assert.notEqual(n.result?.cause, report.verdict.cause, `${n.result?.id} repeats`);
    }
    const rows = [...top, ...folded];
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

  it('"Show Evidence" opens the probe\'s evidence rendered and read-only; closing it asks nothing', async () => {
    const dirtyBefore = dirtyDocuments();
    const probe = report.results.find((r) => r.evidence.length > 0)!;
    const document = await vscode.commands.executeCommand<vscode.TextDocument>(
      'linuxBuilderDoctor.showEvidence',
      probe.id,
    );
    assert.ok(document.getText().includes(probe.title));
    await assertRenderedAndClosable(document, `${probe.id}.md`, dirtyBefore);
  });

  it("the verdict row's Show Evidence, Copy Fix and Fix… work on the verdict", async () => {
    const dirtyBefore = dirtyDocuments();
    const document = await vscode.commands.executeCommand<vscode.TextDocument>(
      'linuxBuilderDoctor.showEvidence',
      'verdict',
    );
    assert.ok(document.getText().includes(report.verdict.cause), 'the page names the cause id');
    assert.ok(document.getText().includes(report.verdict.summary));
    await assertRenderedAndClosable(document, 'verdict.md', dirtyBefore);
    const fix = (report.verdict as { fix?: { summary: string; commands?: string[] } }).fix;
    const copied = await vscode.commands.executeCommand<string | undefined>(
      'linuxBuilderDoctor.copyFix',
      'verdict',
    );
    if (!fix) {
      assert.equal(copied, undefined);
      return;
    }
    const expected = fix.commands?.length ? fix.commands.join('\n') : fix.summary;
    assert.equal(copied, expected);
    assert.equal(await vscode.env.clipboard.readText(), expected);
    if (!fix.commands?.length) return;
    const terminal = await vscode.commands.executeCommand<vscode.Terminal>(
      'linuxBuilderDoctor.fixProbe',
      'verdict',
    );
    assert.ok(terminal, 'a terminal');
    assert.match(terminal.name, /^Fix: /);
    assert.equal(terminal.exitStatus, undefined, 'the shell is still waiting for the user');
    terminal.dispose();
  });

  it('re-runs the checks when the staged /etc/nix/machines changes (file watcher on an absolute path)', async () => {
    const before = api.ctx.model.report;
    const machines = join(env.stagedRoot, 'etc/nix/machines');
    writeFileSync(machines, `${readFileSync(machines, 'utf8')}# touched by the test\n`);
    await pollUntil('a new report after the machines file changed', 60_000, () =>
      api.ctx.model.report !== before && api.ctx.model.report ? true : undefined,
    );
  });

  it('"Open Doctor Report" opens the report rendered and read-only; "Copy Report to Clipboard" copies it', async () => {
    const dirtyBefore = dirtyDocuments();
    const document = await vscode.commands.executeCommand<vscode.TextDocument>(
      'linuxBuilderDoctor.openReport',
    );
    assert.ok(document.getText().includes(report.verdict.cause), 'the report names the cause id');
    const copied = await vscode.commands.executeCommand<string>('linuxBuilderDoctor.copyReport');
    assert.equal(copied, document.getText());
    assert.equal(await vscode.env.clipboard.readText(), copied);
    await assertRenderedAndClosable(document, 'doctor-report.md', dirtyBefore);
  });

  it('a change to a setting the probes read re-runs them', async () => {
    const config = vscode.workspace.getConfiguration('linuxBuilderDoctor');
    const before = api.ctx.model.report;
    await config.update('probes.timeoutMilliseconds', 9000, vscode.ConfigurationTarget.Global);
    try {
      await pollUntil('a new report after probes.timeoutMilliseconds changed', 60_000, () =>
        api.ctx.model.report !== before && api.ctx.model.report ? true : undefined,
      );
    } finally {
      const changed = api.ctx.model.report;
      await config.update('probes.timeoutMilliseconds', undefined, vscode.ConfigurationTarget.Global);
      await pollUntil('the re-run after restoring the setting', 60_000, () =>
        api.ctx.model.report !== changed ? true : undefined,
      );
    }
  });

  it('"Copy Command" puts the command a probe ran on the clipboard', async () => {
    const probe = report.results.find((r) => r.evidence.some((e) => e.argv && e.argv.length > 0));
    assert.ok(probe, 'some probe ran a command');
    const copied = await vscode.commands.executeCommand<string>('linuxBuilderDoctor.copyCommand', probe.id);
    assert.ok(copied.startsWith(itemAt(probe.evidence.find((e) => e.argv)?.argv, 0)), copied);
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
      assert.equal(api.ctx.welcomeState(), 'noBuilder', 'a staged Mac without a builder');
      // (An empty message is how TreeView.message is removed: ctx.ts showVerdict.)
      assert.ok(!api.ctx.view.message, `the welcome text speaks, not a headline: ${api.ctx.view.message}`);
      assert.equal(api.ctx.view.badge, undefined);
    } finally {
      await config.update('probes.root', env.stagedRoot, vscode.ConfigurationTarget.Global);
    }
  });

  it('"not a Mac" stays "not a Mac" after a health check finds no builder here', async () => {
    const config = vscode.workspace.getConfiguration('linuxBuilderDoctor');
    await config.update('probes.root', '', vscode.ConfigurationTarget.Global);
    try {
      assert.equal(api.ctx.welcomeState(), 'notMac', 'this Linux test machine, no staged Mac');
      await vscode.commands.executeCommand('linuxBuilderDoctor.runHealthChecks');
      assert.equal(api.ctx.welcomeState(), 'notMac', 'not flipped to "no builder"');
    } finally {
      await config.update('probes.root', env.stagedRoot, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('linuxBuilderDoctor.runHealthChecks');
    }
  });
});
