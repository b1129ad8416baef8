import * as vscode from 'vscode';
import { readSettings, testSystem } from '../config.js';
import type { Ctx } from '../ctx.js';
import type { TestBuildOutcome } from '../health/model.js';
import { nodeCommand } from '../paths.js';
import { rootArgs } from '../probes.js';
import { ProcessPty } from '../terminal/processPty.js';
import { refuseUntrusted, type Refused } from '../trust.js';

export const TEST_TERMINAL_NAME = 'Test Linux Builder';

/**
 * "Test Linux Builder": the bundled `linux-builder-doctor test` in an integrated terminal (a real
 * build that must go to the builder), then the result in the health view and a notification.
 * Resolves with the outcome when the build ends (tests and the walkthrough await it).
 */
export function testBuilder(ctx: Ctx): () => Promise<TestBuildOutcome | Refused> {
  return async () => {
    const refused = refuseUntrusted('The test build');
    if (refused) return refused;
    const settings = readSettings();
    const system = testSystem(settings);
    const node = nodeCommand(settings.serverEnv);
    const args = [ctx.paths.cli, 'test', '--system', system, ...rootArgs(settings)];
    ctx.log.info(`test build: ${args.join(' ')}`);
    const outcome = await new Promise<TestBuildOutcome>((resolve) => {
      const pty = new ProcessPty({
        executable: node.executable,
        args,
        env: node.env,
        onOutput: (text) => ctx.log.info(`[test] ${text.trimEnd()}`),
        onExit: (exitCode, error) =>
          resolve({ system, exitCode, finishedAt: new Date(), ...(error ? { error } : {}) }),
      });
      const terminal = vscode.window.createTerminal({
        name: TEST_TERMINAL_NAME,
        pty,
        iconPath: new vscode.ThemeIcon('beaker'),
      });
      terminal.show(true);
    });
    ctx.model.setTestBuild(outcome);
    ctx.log.info(`test build ended: ${outcome.error ?? `exit ${outcome.exitCode ?? '?'}`}`);
    const message =
      outcome.exitCode === 0
        ? `Linux builder works: a ${system} test build succeeded on it.`
        : `The ${system} test build failed (${outcome.error ?? `exit ${outcome.exitCode ?? '?'}`}). Run Health Checks to find the cause.`;
    const show =
      outcome.exitCode === 0 ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
    const actions = outcome.exitCode === 0 ? ['Show Log'] : ['Show Log', 'Run Health Checks'];
    void show(message, ...actions).then((choice) => {
      if (choice === 'Show Log') ctx.log.show();
      if (choice === 'Run Health Checks')
        void vscode.commands.executeCommand('linuxBuilderDoctor.runHealthChecks');
    });
    return outcome;
  };
}
