import * as vscode from 'vscode';

/** The parts of the shell-integration API (VS Code 1.93+) we use; absent on older hosts. */
interface ShellIntegrationApi {
  onDidChangeTerminalShellIntegration?: vscode.Event<{ terminal: vscode.Terminal }>;
}

/**
 * Resolves when the terminal's shell has drawn its prompt (shell integration activated), or after
 * `fallbackMs` when there is no shell integration. Text sent earlier is echoed once by the tty and
 * again by the shell's line editor, which shows the user the command twice.
 */
export function shellReady(terminal: vscode.Terminal, fallbackMs = 3000): Promise<void> {
  if ((terminal as { shellIntegration?: unknown }).shellIntegration) return Promise.resolve();
  const event = (vscode.window as unknown as ShellIntegrationApi).onDidChangeTerminalShellIntegration;
  return new Promise((resolve) => {
    const timer = setTimeout(done, fallbackMs);
    const subscription = event?.((e) => {
      if (e.terminal === terminal) done();
    });
    function done(): void {
      clearTimeout(timer);
      subscription?.dispose();
      resolve();
    }
  });
}
