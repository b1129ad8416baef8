import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { EXTENSION_ID, hostEnv, pollUntil } from './hostEnv.js';
import { itemAt } from '../../util/itemAt.js';

interface DoctorApi {
  activationMs: number;
  serverReady: Promise<void>;
  ctx: { languageClient: LanguageClient | undefined; clientLoadMs: number };
}

function ourDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'linux-builder-doctor');
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}
interface LspTextEdit {
  range: LspRange;
  newText: string;
}
interface LspCodeAction {
  title: string;
  isPreferred?: boolean;
  edit?: {
    changes?: Record<string, LspTextEdit[]>;
    documentChanges?: Array<{ textDocument: { uri: string }; edits: LspTextEdit[] }>;
  };
}

function lspEditsFor(action: LspCodeAction, uri: string): LspTextEdit[] {
  const fromDocumentChanges = (action.edit?.documentChanges ?? [])
    .filter((c) => c.textDocument.uri === uri)
    .flatMap((c) => c.edits);
  return [...fromDocumentChanges, ...(action.edit?.changes?.[uri] ?? [])];
}

/** Applies LSP edits to the document's text the way LSP defines it (all ranges refer to the original). */
function applyLspEdits(document: vscode.TextDocument, edits: LspTextEdit[]): string {
  const offset = (p: { line: number; character: number }): number =>
    document.offsetAt(new vscode.Position(p.line, p.character));
  let text = document.getText();
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  for (const edit of sorted)
    text = text.slice(0, offset(edit.range.start)) + edit.newText + text.slice(offset(edit.range.end));
  return text;
}

describe('extension in a real VS Code (code-server 1.139)', () => {
  const env = hostEnv();
  let document: vscode.TextDocument;

  it('activates on a .nix file, reports what activation costs, and registers the three user commands', async () => {
    const extension = vscode.extensions.getExtension<DoctorApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    const [file] = await vscode.workspace.findFiles('**/darwin-configuration.nix');
    assert.ok(file, 'fixture darwin-configuration.nix in the workspace');
    const wasActive = extension.isActive;
    const started = performance.now();
    document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'nix');
    await pollUntil('activation', 30_000, () => extension.isActive || undefined);
    const api = extension.exports;
    const wall = performance.now() - started;
    // What activation adds = evaluating the bundle + activate(). The bundle's evaluation is measured
    // on a fresh copy of the module (require cache bypassed); it does not activate anything.
    const bundle = join(extension.extensionPath, 'dist', 'extension.cjs');
    const load = createRequire(bundle);
    delete load.cache[load.resolve(bundle)];
    const loadStarted = performance.now();
    load(bundle);
    const loadMs = performance.now() - loadStarted;
    await api.serverReady;
    const deferred = { clientLoadMs: api.ctx.clientLoadMs };
    appendFileSync(
      env.figuresFile,
      `${JSON.stringify({ activateMs: api.activationMs, bundleLoadMs: loadMs, openToActiveMs: wall, wasActive, ...deferred })}\n`,
    );
    // A figure, not an assertion (speed is measured, never asserted by a timed test): the runner
    // prints it next to the 50 ms budget, and a loaded CI machine must not fail on it.
    console.log(
      `    activation added ${(api.activationMs + loadMs).toFixed(1)} ms: load ${loadMs.toFixed(1)} + activate() ${api.activationMs.toFixed(1)} (budget 50 ms)`,
    );
    // The extension also activates on onStartupFinished (terminal links for error texts need no .nix
    // file), so whether it was active before the file opened is a figure, not an assertion.
    assert.ok(
      Number.isFinite(api.activationMs) && api.activationMs > 0,
      `activate() reports its own duration (${api.activationMs})`,
    );
    assert.equal(
      api.ctx.languageClient?.isRunning(),
      true,
      'the language client runs once serverReady resolves',
    );
    const commands = await vscode.commands.getCommands(true);
    for (const id of [
      'linuxBuilderDoctor.testBuilder',
      'linuxBuilderDoctor.runHealthChecks',
      'linuxBuilderDoctor.openReport',
    ]) {
      assert.ok(commands.includes(id), `${id} registered`);
    }
  });

  it('shows the ssh-options diagnostic on nix.linux-builder.config.sshOptions, under our own source', async () => {
    const diagnostics = await pollUntil('ssh-options diagnostic', 30_000, () => {
      const found = ourDiagnostics(document.uri).filter((d) => codeOf(d) === 'ssh-options');
      return found.length > 0 ? found : undefined;
    });
    const [first] = diagnostics;
    assert.ok(first);
    assert.equal(document.getText(first.range), 'sshOptions');
    assert.equal(first.severity, vscode.DiagnosticSeverity.Error);
  });

  it('the preferred quick fix, applied by the workbench (Auto Fix), changes the document exactly as the server promised', async () => {
    const diagnostic = ourDiagnostics(document.uri).find((d) => codeOf(d) === 'ssh-options');
    assert.ok(diagnostic);
    // What the server promises, asked in LSP terms (the vscode.executeCodeActionProvider API drops isPreferred).
    const api = vscode.extensions.getExtension<DoctorApi>(EXTENSION_ID)!.exports;
    const client = api.ctx.languageClient;
    assert.ok(client, 'language client running');
    const actions = await client.sendRequest<LspCodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: document.uri.toString() },
      range: client.code2ProtocolConverter.asRange(diagnostic.range),
      context: client.code2ProtocolConverter.asCodeActionContextSync({
        diagnostics: [diagnostic],
        triggerKind: vscode.CodeActionTriggerKind.Invoke,
        only: undefined,
      }),
    });
    const preferred = actions.filter((a) => a.isPreferred);
    assert.equal(preferred.length, 1, `one preferred fix among: ${actions.map((a) => a.title).join(' | ')}`);
    const promised = applyLspEdits(document, lspEditsFor(itemAt(preferred, 0), document.uri.toString()));

    // Applied the way a user does: cursor on the problem, "Auto Fix..." (the preferred quick fix).
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(diagnostic.range.start, diagnostic.range.start);
    const versionBefore = document.version;
    await vscode.commands.executeCommand('editor.action.autoFix');
    await pollUntil('the fix to change the document', 20_000, () =>
      document.version > versionBefore ? true : undefined,
    );
    assert.equal(document.getText(), promised);
    assert.ok(!document.getText().includes('sshOptions'), 'sshOptions is gone');
    await pollUntil('the ssh-options diagnostic to clear', 30_000, () =>
      ourDiagnostics(document.uri).some((d) => codeOf(d) === 'ssh-options') ? undefined : true,
    );
  });

  it('restarts the language server after it crashes, and diagnostics come back', async () => {
    const api = vscode.extensions.getExtension<DoctorApi>(EXTENSION_ID)!.exports;
    const serverPid = (): number | undefined => {
      // The server is a child of this extension host running our bundled dist/server.cjs.
      const run = spawnSync('pgrep', ['-P', String(process.pid), '-f', 'dist/server.cjs'], {
        encoding: 'utf8',
      });
      const pid = Number(run.stdout.trim().split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    };
    const first = await pollUntil('the server process', 10_000, serverPid);
    process.kill(first, 'SIGKILL');
    const second = await pollUntil('a new server process', 30_000, () => {
      const pid = serverPid();
      return pid !== undefined && pid !== first ? pid : undefined;
    });
    assert.notEqual(second, first);
    await pollUntil('the client to run again', 30_000, () =>
      api.ctx.languageClient?.isRunning() ? true : undefined,
    );
    const fresh = await vscode.workspace.openTextDocument({
      language: 'nix',
      content: '{ nix.linux-builder.config.sshOptions = [ "-p" "31022" ]; }\n',
    });
    await pollUntil('diagnostics from the restarted server', 30_000, () =>
      ourDiagnostics(fresh.uri).some((d) => codeOf(d) === 'ssh-options') ? true : undefined,
    );
  });
});
