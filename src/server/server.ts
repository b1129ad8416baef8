/**
 * Wires one LSP connection to the engine: document sync, diagnostics, quick fixes, hover,
 * completion, settings and the probe requests. Everything lives in the object this returns,
 * so a test or a second connection gets its own state (no module-level singletons).
 */
import type { SourceText } from '../nix/sourceText.js';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  WatchKind,
  TextDocumentSyncKind,
  ErrorCodes,
  ResponseError,
  type CodeAction,
  type CompletionItem,
  type Connection,
  type Hover,
  type InitializeResult,
} from 'vscode-languageserver';
import { DocumentStore, isNixDocument, type DocumentState } from './documents.js';
import { DISK_VERSION, ruleDocsUrl, toDiagnostic } from './diagnostics.js';
import { codeActionsFor } from './codeActions.js';
import { hoverAt } from './hover.js';
import { completionsAt } from './completion.js';
import { locatedOf } from './located.js';
import { registerProbeRequests } from './probeRequests.js';
import { registerExplainRequest } from './explainRequest.js';
import { SETTINGS_SECTION, defaultDocsBaseUrl, parseSettings, type ServerSettings } from './settings.js';
import { TOOL_VERSION } from '../protocol/version.js';
import {
  BUILDER_STATUS_NOTIFICATION,
  FIX_ALL_KIND,
  OPEN_RULE_PAGE_SERVER_COMMAND,
  SHOW_RULE_DOCUMENTATION_COMMAND,
} from '../protocol/lsp.js';
import { analyzeNix, type AnalyzeOptions } from '../rules/analyze.js';
import { RULE_IDS } from '../rules/registry.js';
import { BuilderStatus } from './builderStatus.js';
import { WorkspaceProblems } from './workspaceProblems.js';
import { nodeFs } from '../workspace/fileSystem.js';
import { Workspace, type FactsChange, type FileChange } from '../workspace/workspace.js';
import { filePathOf } from './uris.js';
import { errorText } from '../protocol/errorText.js';
import { COLLECT_AFTER_PARSING, collectGarbageNow } from './heapLimits.js';

/** Long enough to coalesce a burst of keystrokes, short enough to feel immediate. */
const DEBOUNCE_MS = 75;
/** A broken file can yield thousands of syntax findings; no editor needs more than this many. */
const MAX_DIAGNOSTICS = 1000;

export function startServer(connection: Connection): { dispose: () => void } {
  const docsDefault = defaultDocsBaseUrl();
  const version = TOOL_VERSION;
  let settings: ServerSettings = parseSettings(undefined, docsDefault);
  /** initializationOptions: the fallback when a pulling client has nothing for our section. */
  let initialSettings: unknown;
  let pullConfiguration = false;
  let registerForConfiguration = false;
  /** Whether the client tells us of .nix files changed on disk (then nothing on disk is polled). */
  let watchingFiles = false;
  /** Commands the client runs itself for our code actions (initializationOptions.clientCommands). */
  let clientCommands: ReadonlySet<string> = new Set();
  /** The client opens documents the server names (window/showDocument). */
  let showDocument = false;
  const log = (message: string): void => connection.console.error(message);
  /**
   * LSP: after `shutdown` the server answers every request with InvalidRequest and drops every
   * notification but `exit`; nothing runs any more (a probe run in flight is cancelled).
   */
  const lifetime = new AbortController();
  const refuseAfterShutdown = (): void => {
    if (lifetime.signal.aborted)
      throw new ResponseError(
        ErrorCodes.InvalidRequest,
        'the server received shutdown and takes no more requests',
      );
  };
  const running = (): boolean => !lifetime.signal.aborted;

  const publish = (state: DocumentState): void => {
    const analysis = state.analysis;
    if (!analysis) return;
    const shown = analysis.findings.slice(0, MAX_DIAGNOSTICS);
    if (shown.length < analysis.findings.length)
      log(`${state.uri}: showing the first ${MAX_DIAGNOSTICS} of ${analysis.findings.length} findings`);
    const diagnostics = shown.map((f, i) =>
      toDiagnostic(f, i, analysis.version, settings.docsBaseUrl, state.uri),
    );
    connection
      .sendDiagnostics({ uri: state.uri, version: analysis.version, diagnostics })
      .catch((e: unknown) => log(`sendDiagnostics: ${errorText(e, { stack: true })}`));
  };

  // The configurations around the open documents: which modules belong together and what each defines.
  const workspace = new Workspace({
    watched: () => watchingFiles,
    // A big configuration is read in the background; then its open documents are judged with it.
    onReady: (root) => {
      problems.rootReady(root);
      for (const uri of store.uris()) {
        const path = filePathOf(uri);
        if (path !== undefined && workspace.inRoot(path, root)) store.refresh(uri);
      }
    },
    // The document being opened first: its diagnostics are what the user waits for.
    urgent: () => store.analysing(),
  });

  /**
   * After `changedPath`'s facts changed, the other open documents of its configurations are judged
   * again; when the grouping into hosts changed, the document itself too (its hosts changed).
   */
  const refreshConfigurationOf = (changedPath: string, change: FactsChange, self?: string): void => {
    if (change === 'none') return;
    for (const uri of store.uris()) {
      if (uri === self && change !== 'groups') continue;
      const path = filePathOf(uri);
      if (path !== undefined && workspace.sameConfiguration(changedPath, path)) store.refresh(uri);
    }
  };

  /** Another file's text, to place related information in it: the editor's when it is open. */
  const textOf = (file: string): SourceText | undefined => {
    const uri = pathToFileURL(file).href;
    const open = store.has(uri) ? store.document(uri) : undefined;
    if (open) return open.text;
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };

  /** Whether a health check or test build showed the builder works (quiets first-setup advice). */
  const builder = new BuilderStatus(log, () => {
    store.reanalyzeAll();
    problems.judgeAll();
  });
  /** The workspace folders given at initialize (and changed since): their configurations' files are published. */
  let folders: string[] = [];
  /** The client shows progress the server starts (window/workDoneProgress). */
  let workDoneProgress = false;
  /** The client tells of workspace folders added and removed. */
  let folderChanges = false;

  const analyzeOptions = (uri: string): AnalyzeOptions => {
    const path = filePathOf(uri);
    return {
      disabledRules: settings.disabledRules,
      builderWorks: builder.works,
      // The other modules of the same configuration (per host), as `check` sees them; the other
      // files' texts place related information in them.
      contexts:
        path === undefined
          ? undefined
          : workspace
              .contextsFor(path)
              .map((c) => ({ ...c, elsewhere: c.elsewhere && { ...c.elsewhere, textOf } })),
      // A throwing rule is a bug: the engine keeps the other rules' findings; we make it visible.
      onRuleError: (rule, error) => log(`rule ${rule} failed: ${errorText(error, { stack: true })}`),
    };
  };

  const store: DocumentStore = new DocumentStore({
    debounceMs: DEBOUNCE_MS,
    analyzeOptions,
    onAnalyzed: (state) => {
      publish(state);
      const path = filePathOf(state.uri);
      const facts = state.analysis?.facts;
      if (path !== undefined && facts) {
        const change = workspace.setOpen(path, facts);
        refreshConfigurationOf(path, change, state.uri);
        if (change !== 'none') problems.configurationChanged(path);
      }
    },
    // After the results of a large file parsed from scratch are sent (heapLimits.ts).
    onParsedFromScratch: (length) => {
      if (length >= COLLECT_AFTER_PARSING) setImmediate(collectGarbageNow);
    },
    log,
  });

  // The files of the configuration nobody opened: their findings in Problems too (workspaceProblems.ts).
  const problems = new WorkspaceProblems({
    workspace,
    fs: nodeFs,
    isOpen: (uri) => store.has(uri),
    analyzeOptions,
    publish: (uri, findings) => {
      // DISK_VERSION: no document version (code actions find fixes by position in the open text).
      const diagnostics = findings
        .slice(0, MAX_DIAGNOSTICS)
        .map((f, i) => toDiagnostic(f, i, DISK_VERSION, settings.docsBaseUrl, uri));
      connection
        .sendDiagnostics({ uri, diagnostics })
        .catch((e: unknown) => log(`sendDiagnostics: ${errorText(e, { stack: true })}`));
    },
    startProgress: async (title) => {
      if (!workDoneProgress) return undefined;
      const reporter = await connection.window.createWorkDoneProgress();
      reporter.begin(title, 0, undefined, false);
      return reporter;
    },
    log,
  });

  /** Runs a handler; a bug in one request is logged and answered with `fallback`, never fatal. */
  function guard<T>(what: string, fallback: T, handler: () => T): T {
    try {
      return handler();
    } catch (error) {
      log(`${what} failed: ${errorText(error, { stack: true })}`);
      return fallback;
    }
  }

  async function refreshSettings(pushed?: unknown): Promise<void> {
    if (pullConfiguration) {
      try {
        const [section] = (await connection.workspace.getConfiguration([
          { section: SETTINGS_SECTION },
        ])) as unknown[];
        // Clients answer null for a section they do not know (Neovim without `settings`).
        settings = parseSettings(
          typeof section === 'object' && section !== null ? section : initialSettings,
          docsDefault,
        );
      } catch (error) {
        log(`reading settings failed: ${errorText(error, { stack: true })}`);
      }
    } else if (pushed !== undefined) {
      settings = parseSettings(pushed, docsDefault);
    }
    store.reanalyzeAll();
    problems.judgeAll();
  }

  connection.onInitialize((params): InitializeResult => {
    pullConfiguration = params.capabilities.workspace?.configuration === true;
    registerForConfiguration =
      pullConfiguration &&
      params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    watchingFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    initialSettings = params.initializationOptions;
    settings = parseSettings(initialSettings, docsDefault);
    clientCommands = declaredClientCommands(initialSettings);
    showDocument = params.capabilities.window?.showDocument?.support === true;
    workDoneProgress = params.capabilities.window?.workDoneProgress === true;
    folderChanges = params.capabilities.workspace?.workspaceFolders === true;
    folders = (params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: '' }] : []))
      .map((f) => filePathOf(f.uri))
      .filter((p): p is string => p !== undefined);
    // The server opens rule pages only for a client that has no command of its own for it.
    const serverCommands =
      showDocument && !clientCommands.has(SHOW_RULE_DOCUMENTATION_COMMAND)
        ? [OPEN_RULE_PAGE_SERVER_COMMAND]
        : [];
    return {
      capabilities: {
        textDocumentSync: {
          openClose: true,
          change: TextDocumentSyncKind.Incremental,
          save: { includeText: false },
        },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        ...(serverCommands.length > 0 ? { executeCommandProvider: { commands: serverCommands } } : {}),
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['.'], resolveProvider: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'linux-builder-doctor', version },
    };
  });

  connection.onInitialized(() => {
    // A pulling client tells us of changes only if we register for them (dynamic registration).
    if (registerForConfiguration) {
      connection.client
        .register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION })
        .catch(() => undefined);
    }
    // The whole configuration is judged once the settings are known (no findings of disabled rules flash).
    const scan = (): void => guard('workspace scan', undefined, () => problems.setFolders(folders));
    if (pullConfiguration)
      refreshSettings()
        .catch((e: unknown) => log(errorText(e, { stack: true })))
        .finally(scan);
    else scan();
    if (folderChanges)
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        if (!running()) return;
        const removed = new Set(event.removed.map((f) => filePathOf(f.uri)));
        folders = [
          ...folders.filter((f) => !removed.has(f)),
          ...event.added.map((f) => filePathOf(f.uri)).filter((p): p is string => p !== undefined),
        ];
        guard('workspace folders', undefined, () => problems.setFolders(folders));
      });
    if (watchingFiles) {
      // .nix files (flake.nix included) changed on disk by git, a formatter or another editor;
      // and deleted folders, which are reported as the folder alone.
      const watchers = [{ globPattern: '**/*.nix' }, { globPattern: '**/*', kind: WatchKind.Delete }];
      connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }).catch((e: unknown) => {
        log(
          `watching .nix files failed, reading the disk again every few seconds: ${errorText(e, { stack: true })}`,
        );
        watchingFiles = false;
      });
    }
  });

  const changeKinds: Record<number, FileChange> = {
    [FileChangeType.Created]: 'created',
    [FileChangeType.Changed]: 'changed',
    [FileChangeType.Deleted]: 'deleted',
  };
  connection.onDidChangeWatchedFiles(({ changes }) => {
    if (running())
      guard('didChangeWatchedFiles', undefined, () => {
        const changed = new Map<string, FactsChange>();
        for (const change of changes) {
          const path = filePathOf(change.uri);
          const kind = changeKinds[change.type];
          if (path !== undefined && kind) changed.set(path, workspace.fileChanged(path, kind));
        }
        for (const [path, change] of changed) {
          refreshConfigurationOf(path, change);
          problems.diskChanged(path);
        }
      });
  });

  connection.onDidSaveTextDocument(({ textDocument }) => {
    if (running())
      guard('didSave', undefined, () => {
        // What is on disk now is what the editor had: forget the older copy read from disk.
        const path = filePathOf(textDocument.uri);
        if (path !== undefined) {
          refreshConfigurationOf(path, workspace.fileChanged(path, 'changed'), textDocument.uri);
          problems.diskChanged(path);
        }
      });
  });

  connection.onDidChangeConfiguration((params) => {
    if (!running()) return;
    const pushed: unknown = params.settings;
    refreshSettings(pushed).catch((e: unknown) => log(errorText(e, { stack: true })));
  });

  connection.onDidOpenTextDocument(({ textDocument: doc }) => {
    if (!running() || !isNixDocument(doc.uri, doc.languageId)) return;
    guard('didOpen', undefined, () => {
      const path = filePathOf(doc.uri);
      if (path !== undefined) problems.opened(path);
      store.open(doc.uri, doc.languageId, doc.version, doc.text);
    });
  });

  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    if (!running()) return;
    guard('didChange', undefined, () =>
      store.change(textDocument.uri, textDocument.version ?? 0, contentChanges),
    );
  });

  connection.onDidCloseTextDocument(({ textDocument }) => {
    if (!running() || !store.has(textDocument.uri)) return;
    store.close(textDocument.uri);
    connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] }).catch(() => undefined);
    // Unsaved edits are gone: the other modules see the file on disk again.
    const path = filePathOf(textDocument.uri);
    if (path !== undefined)
      guard('didClose', undefined, () => {
        refreshConfigurationOf(path, workspace.close(path));
        problems.closed(path); // part of a configuration: its file on disk is published again
      });
  });

  connection.onCodeAction((params): CodeAction[] => {
    refuseAfterShutdown();
    return guard('codeAction', [], () => {
      const state = store.current(params.textDocument.uri);
      return state
        ? codeActionsFor(state, params, {
            docsBaseUrl: settings.docsBaseUrl,
            clientCommands,
            showDocument,
            analyze: (text) => analyzeNix(text, analyzeOptions(state.uri)).findings,
          })
        : [];
    });
  });

  connection.onHover((params): Hover | null => {
    refuseAfterShutdown();
    return guard('hover', null, () => {
      const state = store.current(params.textDocument.uri);
      const located = state && locatedOf(state.analysis, log);
      return state && located
        ? hoverAt(state.document, located, params.position, state.analysis.findings, settings.docsBaseUrl)
        : null;
    });
  });

  connection.onCompletion((params): CompletionItem[] => {
    refuseAfterShutdown();
    return guard('completion', [], () => {
      const state = store.current(params.textDocument.uri);
      const located = state && locatedOf(state.analysis, log);
      return state && located ? completionsAt(state.document, located, params.position) : [];
    });
  });

  connection.onExecuteCommand(async (params) => {
    refuseAfterShutdown();
    const rule: unknown = params.arguments?.[0];
    if (
      params.command !== OPEN_RULE_PAGE_SERVER_COMMAND ||
      typeof rule !== 'string' ||
      !RULE_IDS.includes(rule)
    )
      throw new ResponseError(ErrorCodes.InvalidParams, `unknown command or rule: ${params.command}`);
    const uri = ruleDocsUrl(settings.docsBaseUrl, rule);
    // A page shipped with the server opens in the editor; the repository's in the browser.
    await connection.window.showDocument({ uri, external: !uri.startsWith('file:') });
    return null;
  });

  connection.onNotification(BUILDER_STATUS_NOTIFICATION, (params) => {
    if (running() && typeof params?.works === 'boolean')
      builder.set(params.works, typeof params.source === 'string' ? params.source : 'client');
  });

  registerProbeRequests(connection, () => settings, version, {
    refuseAfterShutdown,
    lifetime: lifetime.signal,
    onReport: (report) => builder.fromReport(report),
  });
  registerExplainRequest(connection, refuseAfterShutdown);

  connection.onShutdown(() => {
    refuseAfterShutdown(); // a second shutdown is a request after shutdown too
    lifetime.abort();
    store.dispose();
    problems.dispose();
  });

  return {
    dispose: () => {
      store.dispose();
      problems.dispose();
    },
  };
}

/** The commands a client says it runs itself (any client can send anything: strings only). */
function declaredClientCommands(initializationOptions: unknown): ReadonlySet<string> {
  const list: unknown =
    typeof initializationOptions === 'object' && initializationOptions !== null
      ? (initializationOptions as { clientCommands?: unknown }).clientCommands
      : undefined;
  return new Set(Array.isArray(list) ? list.filter((c): c is string => typeof c === 'string') : []);
}
