import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  BUILDER_STATUS_NOTIFICATION,
  builderWorksFromVerdict,
  REPORT_REQUEST,
  type BuilderStatusParams,
  type ReportParams,
} from '../protocol/lsp.js';
import type { ProbeReport } from '../protocol/probes.js';
import { renderReportMarkdown } from '../protocol/reportMarkdown.js';
import { TOOL_VERSION } from '../protocol/version.js';
import { readSettings } from './config.js';
import { DOC_SCHEME, DoctorDocuments } from './documents/provider.js';
import { evidenceMarkdown, verdictMarkdown } from './health/format.js';
import { HealthModel } from './health/model.js';
import { HealthTreeProvider } from './health/tree.js';
import { verdictBadge, verdictMessage } from './health/verdict.js';
import { RULE_DOCS_PREFIX, rulePage } from './documents/rulePages.js';
import { renderRuleLinks } from './documents/ruleLinks.js';
import { bundlePaths, type BundlePaths } from './paths.js';
import { runProbesInServer, runProbesWithCli } from './probes.js';
import { DoctorStatus } from './status.js';
import { refuseUntrusted, type Refused } from './trust.js';
import { errorText } from '../protocol/errorText.js';

export const HEALTH_VIEW_ID = 'linuxBuilderDoctor.health';

/**
 * Owns everything the extension creates, in two scopes: `subscriptions` live as long as the
 * extension, `clientSubscriptions` as long as one language client (cleared on restart).
 */
export class Ctx implements vscode.Disposable {
  readonly paths: BundlePaths;
  readonly model = new HealthModel();
  readonly tree: HealthTreeProvider;
  readonly status: DoctorStatus;
  readonly view: vscode.TreeView<unknown>;
  /** Read-only rendered documents: evidence, the report, rule pages (documents/provider.ts). */
  readonly documents = new DoctorDocuments();
  private client: LanguageClient | undefined;
  private clientSubscriptions: vscode.Disposable[] = [];
  private currentRun: Promise<ProbeReport | undefined> | undefined;
  /** What the last test build or health check showed about the builder, told to every (re)started server. */
  private builderStatus: BuilderStatusParams | undefined;
  /** Measurements for the bench and the tests: activate() itself, and the deferred client load. */
  activationMs = 0;
  clientLoadMs = 0;

  constructor(
    readonly extension: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
  ) {
    this.paths = bundlePaths(extension);
    this.tree = new HealthTreeProvider(this.model);
    this.status = new DoctorStatus(this.model);
    this.view = vscode.window.createTreeView(HEALTH_VIEW_ID, {
      treeDataProvider: this.tree,
      showCollapseAll: true,
    });
    this.pushExt(this.model, this.tree, this.status, this.view, this.documents);
    this.pushExt(vscode.workspace.registerTextDocumentContentProvider(DOC_SCHEME, this.documents));
    this.pushExt(renderRuleLinks());
    this.documents.addSource('/evidence/', (path) => this.evidencePage(path));
    this.documents.addSource(RULE_DOCS_PREFIX, (path) => rulePage((p) => extension.asAbsolutePath(p), path));
    this.pushExt(
      this.model.onDidChange(() => {
        this.showVerdict();
        this.documents.refresh('/evidence/');
      }),
    );
  }

  /** The headline above the tree and the activity-bar badge (health/verdict.ts). */
  private showVerdict(): void {
    const report = this.model.running ? undefined : this.model.report;
    const verdict = report?.verdict;
    this.view.message =
      // An empty message removes it from the view (vscode.TreeView.message).
      verdict && verdict.cause !== 'no-builder-configured' ? verdictMessage(verdict) : '';
    this.view.badge = verdictBadge(verdict);
  }

  /** linux-builder-doctor:/evidence/<probe>.md and /evidence/verdict.md, from the last report. */
  private evidencePage(path: string): string | undefined {
    const name = path.slice('/evidence/'.length).replace(/\.md$/, '');
    const report = this.model.report;
    if (name === 'verdict') return report ? verdictMarkdown(report.verdict) : undefined;
    const result = this.model.find(name);
    return result ? evidenceMarkdown(result) : undefined;
  }

  pushExt(...disposables: vscode.Disposable[]): void {
    this.extension.subscriptions.push(...disposables);
  }

  pushClient(...disposables: vscode.Disposable[]): void {
    this.clientSubscriptions.push(...disposables);
  }

  get languageClient(): LanguageClient | undefined {
    return this.client;
  }

  async startClient(): Promise<void> {
    // Loaded on demand: evaluating vscode-languageclient costs ~100 ms, which would otherwise be
    // spent before activate() returns (the bundle keeps it in a lazy wrapper until first use).
    const loadStarted = performance.now();
    const { createClient, serverState } = await import('./client.js');
    this.clientLoadMs = performance.now() - loadStarted;
    const client = createClient(this.paths.server, this.log);
    this.client = client;
    this.pushClient(
      client.onDidChangeState((e) => {
        this.status.setServer(serverState(e.newState));
      }),
    );
    this.status.setServer('starting');
    try {
      await client.start();
      this.status.setServer('running');
      if (this.builderStatus) await client.sendNotification(BUILDER_STATUS_NOTIFICATION, this.builderStatus);
    } catch (error) {
      this.status.setServer('failed');
      this.log.error(`language server failed to start: ${errorText(error)}`);
      void vscode.window
        .showErrorMessage('Linux Builder Doctor: the language server failed to start.', 'Show Logs')
        .then((c) => {
          if (c) this.log.show();
        });
    }
  }

  /**
   * Tells the language server what a test build or a health check of the view showed about the
   * builder (advice for a first setup, config-needs-bootstrap, is quiet while it works). Remembered
   * for a restarted server, which has forgotten its own runs, and for runs made with the CLI while
   * the server was not running.
   */
  async reportBuilderStatus(status: BuilderStatusParams): Promise<void> {
    this.builderStatus = status;
    const client = this.client;
    if (client?.isRunning()) await client.sendNotification(BUILDER_STATUS_NOTIFICATION, status);
  }

  async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    for (const d of this.clientSubscriptions.splice(0)) d.dispose();
    if (client) {
      try {
        await client.dispose(2000);
      } catch (error) {
        this.log.warn(`language server did not stop cleanly: ${errorText(error)}`);
      }
    }
  }

  async restartClient(): Promise<void> {
    await this.stopClient();
    await this.startClient();
  }

  /**
   * Runs the probes once (callers share a run in progress), updating the view as results arrive.
   * Refused in untrusted workspaces: probes run programs.
   */
  runProbes(): Promise<ProbeReport | undefined> | Refused {
    const refused = refuseUntrusted('Running health checks');
    if (refused) return refused;
    this.currentRun ??= this.doRunProbes().finally(() => {
      this.currentRun = undefined;
    });
    return this.currentRun;
  }

  /** Runs the probes again after a run in progress (which may have read settings that changed since). */
  async rerunProbes(): Promise<ProbeReport | undefined | Refused> {
    if (this.currentRun) await this.currentRun;
    return this.runProbes();
  }

  private async doRunProbes(): Promise<ProbeReport | undefined> {
    const settings = readSettings();
    this.model.startRun();
    const started = Date.now();
    try {
      const report = await vscode.window.withProgress(
        { location: { viewId: HEALTH_VIEW_ID }, title: 'Running health checks', cancellable: true },
        (_progress, token) => {
          const client = this.client;
          if (client?.isRunning()) {
            return runProbesInServer(client, settings, (p) => this.model.progress(p.result, p.total), token);
          }
          this.log.warn('language server not running; probing with the bundled CLI');
          return runProbesWithCli(this.paths.cli, settings, token);
        },
      );
      this.log.info(`health checks: ${report.verdict.cause} in ${Date.now() - started} ms`);
      this.model.finishRun(report);
      const works = builderWorksFromVerdict(report.verdict.cause);
      if (works !== undefined)
        await this.reportBuilderStatus({ works, source: 'health-check' }).catch((e: unknown) =>
          this.log.warn(`telling the server the health check's result failed: ${errorText(e)}`),
        );
      await this.updateContext();
      return report;
    } catch (error) {
      const message = errorText(error);
      this.log.error(`health checks failed: ${message}`);
      this.model.finishRun(undefined, message);
      return undefined;
    }
  }

  /**
   * Which welcome text the empty view shows (package.json viewsWelcome). "Not a Mac" is decided by
   * the platform and the staged root alone, so a health check run here (which finds no builder on
   * a machine that is not a Mac) does not turn it into "no builder", and back on the next start.
   */
  welcomeState(): 'notMac' | 'noBuilder' | 'mac' {
    const applicable = process.platform === 'darwin' || readSettings().probesRoot !== undefined;
    if (!applicable) return 'notMac';
    return this.model.report?.verdict.cause === 'no-builder-configured' ? 'noBuilder' : 'mac';
  }

  /** Context keys the view's welcome content and menus read. */
  async updateContext(): Promise<void> {
    const report = this.model.report;
    await vscode.commands.executeCommand('setContext', 'linuxBuilderDoctor.welcome', this.welcomeState());
    await vscode.commands.executeCommand('setContext', 'linuxBuilderDoctor.hasReport', report !== undefined);
  }

  /** The doctor report as Markdown, from the server (same text as the CLI's `report`). */
  async reportMarkdown(): Promise<string> {
    const settings = readSettings();
    const params: ReportParams = { timeoutMs: settings.probeTimeoutMs };
    if (settings.probesRoot) params.root = settings.probesRoot;
    if (settings.probesRoot && settings.probesTrustRoot) params.trustRoot = true;
    const client = this.client;
    if (client?.isRunning()) {
      try {
        const result = await client.sendRequest(REPORT_REQUEST, params);
        return result.markdown;
      } catch (error) {
        this.log.warn(`server report failed, building it from a CLI probe run: ${errorText(error)}`);
      }
    }
    // Not from the last run in the view: that one is unredacted (it is shown only here), while
    // `probe --format json` redacts like the server's report (docs/dev/security.md#secrets-in-the-report).
    const source = new vscode.CancellationTokenSource();
    try {
      return renderReportMarkdown(await runProbesWithCli(this.paths.cli, settings, source.token), {
        toolVersion: TOOL_VERSION,
      });
    } finally {
      source.dispose();
    }
  }

  dispose(): void {
    // Stops the server process too; VS Code gives extensions a few seconds on shutdown.
    void this.stopClient();
  }
}
