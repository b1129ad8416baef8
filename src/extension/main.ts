/**
 * Linux Builder Doctor for VS Code: a thin face on the language server (diagnostics, quick fixes,
 * probes) plus the Builder Health view, the test-build terminal and the doctor report.
 */
import * as vscode from 'vscode';
import { registerCommands } from './commands/index.js';
import { PROBE_SETTINGS, readSettings, RESTART_SETTINGS, SECTION } from './config.js';
import { Ctx } from './ctx.js';
import { ExplainLinkProvider } from './explain/terminalLinks.js';
import { watchSystemFiles } from './health/watch.js';

/** What activate() hands back: the tests and the bench read it through `extension.exports`. */
export interface DoctorApi {
  ctx: Ctx;
  /** Milliseconds activate() took before returning (server start continues in the background). */
  activationMs: number;
  /** Settles when the language server has started (or failed to). */
  serverReady: Promise<void>;
  /** The terminal link provider that explains error lines (registered for every terminal). */
  explainLinks: ExplainLinkProvider;
}

export function activate(context: vscode.ExtensionContext): DoctorApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Linux Builder Doctor', { log: true });
  context.subscriptions.push(log);
  const ctx = new Ctx(context, log);
  context.subscriptions.push(ctx);
  registerCommands(ctx);
  // Error lines in any integrated terminal become links that explain them.
  const explainLinks = new ExplainLinkProvider(ctx);
  ctx.pushExt(vscode.window.registerTerminalLinkProvider(explainLinks));
  void ctx.updateContext();

  // Settings: the server reads its own through workspace/configuration; a few need a restart.
  ctx.pushExt(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      if (RESTART_SETTINGS.some((s) => e.affectsConfiguration(s))) {
        void vscode.window
          .showInformationMessage(
            'Linux Builder Doctor: restart the language server to apply the new settings?',
            'Restart',
          )
          .then((c) => {
            if (c) void ctx.restartClient();
          });
      }
      if (e.affectsConfiguration(`${SECTION}.probes.root`)) {
        watchRoot();
        void ctx.updateContext();
      }
      // Checks already shown answer for the old settings: run them again with the new ones.
      if (
        PROBE_SETTINGS.some((s) => e.affectsConfiguration(s)) &&
        ctx.model.report &&
        vscode.workspace.isTrusted
      ) {
        log.info('probe settings changed: re-running health checks');
        void ctx.rerunProbes();
      }
    }),
  );

  // Re-run when nix-darwin (or an admin) rewrites the builder's system files, if a run has been shown.
  let watcher: vscode.Disposable | undefined;
  const watchRoot = (): void => {
    watcher?.dispose();
    watcher = watchSystemFiles(readSettings().probesRoot ?? '/', (uri) => {
      if (!ctx.model.report || !vscode.workspace.isTrusted) return;
      log.info(`${uri.fsPath} changed: re-running health checks`);
      void ctx.runProbes();
    });
  };
  watchRoot();
  ctx.pushExt({
    dispose: () => {
      watcher?.dispose();
    },
  });

  // First look at the view runs the checks (macOS, or a staged root), never in untrusted workspaces.
  ctx.pushExt(
    ctx.view.onDidChangeVisibility((e) => {
      const settings = readSettings();
      const applicable = process.platform === 'darwin' || settings.probesRoot !== undefined;
      if (
        e.visible &&
        settings.autoRun &&
        applicable &&
        !ctx.model.report &&
        !ctx.model.running &&
        vscode.workspace.isTrusted
      )
        void ctx.runProbes();
    }),
  );

  const serverReady = ctx.startClient();
  const activationMs = performance.now() - started;
  ctx.activationMs = activationMs;
  log.info(`activated in ${activationMs.toFixed(1)} ms`);
  return { ctx, activationMs, serverReady, explainLinks };
}

export function deactivate(): Promise<void> | undefined {
  // The client is stopped by Ctx's disposal through context.subscriptions; nothing else to do.
  return undefined;
}
