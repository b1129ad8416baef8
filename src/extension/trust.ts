import * as vscode from 'vscode';

/** What a command that runs programs returns when the workspace is not trusted. */
export interface Refused {
  refused: 'untrusted';
}

/**
 * Guard for everything that runs a command (probes, the test build, admin checks). In an untrusted
 * workspace only the static configuration check runs (package.json `capabilities.untrustedWorkspaces`):
 * settings or files from the workspace must not get to start programs.
 */
export function refuseUntrusted(what: string): Refused | undefined {
  if (vscode.workspace.isTrusted) return undefined;
  void vscode.window
    .showWarningMessage(
      `${what} runs programs on this machine and is disabled in an untrusted workspace.`,
      'Manage Workspace Trust',
    )
    .then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return { refused: 'untrusted' };
}
