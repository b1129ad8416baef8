import * as vscode from 'vscode';
import {
  LanguageClient,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { DISABLE_RULE_COMMAND, SHOW_RULE_DOCUMENTATION_COMMAND } from '../protocol/lsp.js';
import { readSettings, SECTION } from './config.js';
import { renderedHover, ruleLinkUri } from './documents/ruleLinks.js';
import { RULE_ID } from './documents/rulePages.js';
import type { ServerState } from './status.js';

export const CLIENT_ID = SECTION; // the client reads `linuxBuilderDoctor.trace.server` by this id

/**
 * The language client for `nix` documents. The server is our bundled dist/server.cjs, started with
 * the extension host's own runtime (`module` + stdio: vscode-languageclient forks it with
 * ELECTRON_RUN_AS_NODE under desktop VS Code and plain Node under code-server).
 * Restart on crash is the client's default error handler (up to 4 restarts in 3 minutes).
 */
export function createClient(serverModule: string, log: vscode.LogOutputChannel): LanguageClient {
  // GUI-launched VS Code on macOS has a minimal PATH (no /nix/var/nix/profiles/default/bin):
  // `server.env` lets the user give the server the PATH their shell has.
  const env = { ...process.env, ...readSettings().serverEnv };
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.stdio, options: { env } },
    debug: {
      module: serverModule,
      transport: TransportKind.stdio,
      options: { env, execArgv: ['--nolazy', '--inspect=6019'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'nix' },
      { scheme: 'untitled', language: 'nix' },
    ],
    // Our own source keeps our diagnostics apart from Nix IDE's (nil/nixd) in the Problems panel.
    diagnosticCollectionName: 'linux-builder-doctor',
    outputChannel: log,
    // The server pulls `linuxBuilderDoctor` through workspace/configuration and re-reads it on
    // didChangeConfiguration, so settings apply live; the same section seeds it at start.
    // The commands our code actions may carry that this extension runs (Disable rule, Show documentation).
    initializationOptions: {
      [SECTION]: vscode.workspace.getConfiguration(SECTION),
      clientCommands: [DISABLE_RULE_COMMAND, SHOW_RULE_DOCUMENTATION_COMMAND],
    },
    synchronize: { configurationSection: SECTION },
    middleware: {
      handleDiagnostics: (uri, diagnostics, next) => {
        next(uri, diagnostics.map(renderedRuleLink));
      },
      provideHover: async (document, position, token, next) => {
        const hover = await next(document, position, token);
        return hover ? renderedHover(hover) : hover;
      },
    },
  };
  return new LanguageClient(CLIENT_ID, 'Linux Builder Doctor', serverOptions, clientOptions);
}

/**
 * The server links each diagnostic's code to its rule page as a file (docs/rules/<id>.md, what any
 * LSP client can open). In VS Code the link opens the packaged page rendered (documents/ruleLinks.ts).
 */
export function renderedRuleLink(diagnostic: vscode.Diagnostic): vscode.Diagnostic {
  const code = diagnostic.code;
  if (typeof code !== 'object' || typeof code.value !== 'string' || !RULE_ID.test(code.value))
    return diagnostic;
  diagnostic.code = { value: code.value, target: ruleLinkUri(code.value) };
  return diagnostic;
}

export function serverState(state: State): ServerState {
  return state === State.Running ? 'running' : state === State.Starting ? 'starting' : 'stopped';
}
