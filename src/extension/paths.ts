import * as path from 'node:path';
import type * as vscode from 'vscode';

/** Where the bundled engine lives inside the installed extension. */
export interface BundlePaths {
  server: string;
  cli: string;
}

export function bundlePaths(context: vscode.ExtensionContext): BundlePaths {
  return {
    server: context.asAbsolutePath(path.join('dist', 'server.cjs')),
    cli: context.asAbsolutePath(path.join('dist', 'cli.cjs')),
  };
}

/**
 * How to run the bundled CLI with the extension host's own Node: code-server's host is Node,
 * desktop VS Code's is Electron, which behaves as Node only with ELECTRON_RUN_AS_NODE=1.
 * Returned as argv parts, never a shell string.
 */
export function nodeCommand(extraEnv: Record<string, string> = {}): {
  executable: string;
  env: Record<string, string>;
} {
  return { executable: process.execPath, env: { ...extraEnv, ELECTRON_RUN_AS_NODE: '1' } };
}
