import { spawn } from 'node:child_process';
import * as vscode from 'vscode';
import { EXPLAIN_REQUEST, type ExplainParams, type ExplainResult } from '../../protocol/lsp.js';
import type { Ctx } from '../ctx.js';
import { nodeCommand } from '../paths.js';
import { errorText } from '../../protocol/errorText.js';

/** The folders of the open workspace: option errors get their definitions there. */
function configPaths(): string[] {
  return (vscode.workspace.workspaceFolders ?? [])
    .filter((f) => f.uri.scheme === 'file')
    .map((f) => f.uri.fsPath);
}

/** The bundled CLI's `explain --format json -` with the text on stdin (argv only, no shell). */
function explainWithCli(cli: string, text: string, paths: string[]): Promise<ExplainResult> {
  const { executable, env } = nodeCommand();
  const args = [
    cli,
    'explain',
    '--format',
    'json',
    ...(paths[0] !== undefined ? ['--config', paths[0]] : []),
    '-',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 || code === 1) {
        try {
          resolve(JSON.parse(stdout) as ExplainResult);
        } catch (error) {
          reject(new Error(`linux-builder-doctor explain printed no JSON: ${errorText(error)}`));
        }
      } else reject(new Error(`linux-builder-doctor explain exited ${String(code)}: ${stderr}`));
    });
    child.stdin.end(text);
  });
}

/**
 * Explain an error text with the engine: through the language server (the typed request), or the
 * bundled CLI while no server runs. Both give the CLI's causes and fixes.
 */
export async function explain(ctx: Ctx, text: string): Promise<ExplainResult> {
  const paths = configPaths();
  const client = ctx.languageClient;
  if (client?.isRunning()) {
    const params: ExplainParams = { text, configPaths: paths };
    try {
      return await client.sendRequest(EXPLAIN_REQUEST, params);
    } catch (error) {
      ctx.log.warn(`explain request failed, using the bundled CLI: ${errorText(error)}`);
    }
  }
  return explainWithCli(ctx.paths.cli, text, paths);
}
