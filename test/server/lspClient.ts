/**
 * A minimal LSP client for tests: spawns `node dist/server.cjs --stdio`, speaks JSON-RPC over its
 * pipes, records every notification, answers the server's own requests (configuration,
 * registration) and polls for expected messages with a deadline.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type {
  Diagnostic,
  InitializeResult,
  PublishDiagnosticsParams,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { distServer, projectRoot } from '../util/paths.js';

export interface Notification {
  method: string;
  params: unknown;
  /** When it arrived (performance.now()), for timing without the polling interval. */
  at: number;
}

export interface ClientOptions {
  /** The `linuxBuilderDoctor` section answered to workspace/configuration; undefined: no configuration support. */
  configuration?: Record<string, unknown>;
  /** Announce workspace/configuration support (default: when `configuration` is given); answers null without it. */
  configurationSupport?: boolean;
  initializationOptions?: unknown;
  args?: string[];
  /** Announce that the client can watch files for the server (didChangeWatchedFiles dynamic registration). */
  watchFiles?: boolean;
  /** Announce window/showDocument support (the requests are recorded in `shownDocuments`, answered with success). */
  showDocument?: boolean;
  /** Announce work-done progress support (window/workDoneProgress/create is answered either way). */
  workDoneProgress?: boolean;
  /** The workspace folders given at initialize (absolute paths). */
  workspaceFolders?: string[];
}

/** Polls `probe` until it returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export class LspClient {
  readonly notifications: Notification[] = [];
  readonly stderr: string[] = [];
  /** Every client/registerCapability registration the server asked for. */
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  /** Every window/showDocument request the server made. */
  readonly shownDocuments: { uri: string; external?: boolean; takeFocus?: boolean }[] = [];
  exitCode: number | null | undefined;
  private readonly versions = new Map<string, number>();

  private constructor(
    readonly process: ChildProcessWithoutNullStreams,
    readonly connection: MessageConnection,
    public configuration: Record<string, unknown> | undefined,
  ) {}

  static async start(
    options: ClientOptions = {},
  ): Promise<{ client: LspClient; initialize: InitializeResult }> {
    // LBD_TEST_SERVER: run the suite against another build of the server (e.g. a scratch bundle).
    const child = spawn(
      process.execPath,
      [process.env.LBD_TEST_SERVER ?? distServer, ...(options.args ?? ['--stdio'])],
      { cwd: projectRoot, stdio: 'pipe' },
    );
    const connection = createMessageConnection(
      new StreamMessageReader(child.stdout),
      new StreamMessageWriter(child.stdin),
    );
    const client = new LspClient(child, connection, options.configuration);
    child.stderr.on('data', (chunk: Buffer) => client.stderr.push(chunk.toString()));
    child.on('exit', (code) => {
      client.exitCode = code;
    });
    connection.onNotification((method, params) => {
      client.notifications.push({ method, params, at: performance.now() });
    });
    // vscode-jsonrpc routes $/progress to handlers by token; the server's own tokens reach this one.
    connection.onUnhandledProgress((params) => {
      client.notifications.push({ method: '$/progress', params, at: performance.now() });
    });
    connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
      params.items.map(() => client.configuration ?? null),
    );
    connection.onRequest(
      'client/registerCapability',
      (params: { registrations: { method: string; registerOptions?: unknown }[] }) => {
        client.registrations.push(...params.registrations);
        return null;
      },
    );
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('window/showDocument', (params: { uri: string; external?: boolean }) => {
      client.shownDocuments.push(params);
      return { success: true };
    });
    connection.listen();
    const initialize = await connection.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: null,
      workspaceFolders:
        options.workspaceFolders?.map((path) => ({ uri: pathToFileURL(path).href, name: basename(path) })) ??
        null,
      capabilities: {
        window: {
          ...(options.showDocument ? { showDocument: { support: true } } : {}),
          ...(options.workDoneProgress ? { workDoneProgress: true } : {}),
        },
        workspace: {
          configuration: options.configurationSupport ?? options.configuration !== undefined,
          didChangeConfiguration: { dynamicRegistration: true },
          ...(options.watchFiles ? { didChangeWatchedFiles: { dynamicRegistration: true } } : {}),
          workspaceFolders: options.workspaceFolders !== undefined,
        },
        textDocument: {
          publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
          codeAction: {
            codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } },
            isPreferredSupport: true,
            dataSupport: true,
          },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          completion: { completionItem: { documentationFormat: ['markdown', 'plaintext'] } },
        },
      },
      initializationOptions: options.initializationOptions,
    });
    await connection.sendNotification('initialized', {});
    return { client, initialize };
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    this.versions.set(uri, version);
    return this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'nix', version, text },
    });
  }

  /** Sends one didChange notification (all `changes` in it) and returns the new version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: changes,
    });
    return version;
  }

  version(uri: string): number {
    return this.versions.get(uri) ?? 0;
  }

  /** The latest diagnostics published for `uri` at `version` (waits for them). */
  diagnostics(uri: string, version: number, timeoutMs = 5000): Promise<Diagnostic[]> {
    return waitFor(
      `diagnostics for ${uri} v${version}`,
      () => {
        for (const n of [...this.notifications].reverse()) {
          if (n.method !== 'textDocument/publishDiagnostics') continue;
          const p = n.params as PublishDiagnosticsParams;
          if (p.uri === uri && p.version === version) return p.diagnostics;
        }
        return undefined;
      },
      timeoutMs,
    );
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest<R>(method, params);
  }

  /** shutdown + exit, then waits for the process to end; returns its exit code. */
  async stop(timeoutMs = 5000): Promise<number | null> {
    if (this.exitCode === undefined) {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
      await waitFor('server exit', () => (this.exitCode === undefined ? undefined : true), timeoutMs);
    }
    this.connection.dispose();
    return this.exitCode ?? null;
  }

  kill(): void {
    if (this.exitCode === undefined) this.process.kill('SIGKILL');
    this.connection.dispose();
  }
}

/** Applies LSP content changes to a string the way a client does (one after another). */
export function applyChanges(text: string, changes: readonly TextDocumentContentChangeEvent[]): string {
  for (const change of changes) {
    if (!('range' in change)) {
      text = change.text;
      continue;
    }
    const from = offsetAt(text, change.range.start);
    const to = offsetAt(text, change.range.end);
    text = text.slice(0, from) + change.text + text.slice(to);
  }
  return text;
}

export function offsetAt(text: string, position: { line: number; character: number }): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  return Math.min(offset + position.character, lineEnd < 0 ? text.length : lineEnd);
}

export function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}
