import * as vscode from 'vscode';
import { readSettings } from '../config.js';
import type { Ctx } from '../ctx.js';
import type { TestBuildOutcome } from '../health/model.js';
import { nodeCommand } from '../paths.js';
import { rootArgs } from '../probes.js';
import { ProcessPty } from '../terminal/processPty.js';
import { causeHeadline } from '../../protocol/causeHeadlines.js';
import { showRendered } from '../documents/provider.js';
import { testBuildMarkdown } from '../health/format.js';
import { parseTestOutput } from '../health/testBuildResult.js';
import { refuseUntrusted, type Refused } from '../trust.js';
import { errorText } from '../../protocol/errorText.js';

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
    // No --system unless the user chose one: the CLI then builds for the builder's own system, from
    // its machines entry. The Mac's CPU does not tell it: an x86_64-linux VM (linux-builder-x86_64)
    // runs on Apple silicon too (docs/dev/domain.md#building-for-another-linux-system).
    const chosen = settings.testSystem;
    const node = nodeCommand(settings.serverEnv);
    const args = [
      ctx.paths.cli,
      'test',
      ...(chosen !== undefined ? ['--system', chosen] : []),
      ...rootArgs(settings),
    ];
    ctx.log.info(`test build: ${args.join(' ')}`);
    let stdout = '';
    const outcome = await new Promise<TestBuildOutcome>((resolve) => {
      const pty = new ProcessPty({
        executable: node.executable,
        args,
        env: node.env,
        onOutput: (text) => ctx.log.info(`[test] ${text.trimEnd()}`),
        onStdout: (text) => {
          stdout += text;
        },
        onExit: (exitCode, error) => {
          const { system, ...diagnosis } = parseTestOutput(stdout);
          resolve({
            system: system ?? chosen ?? 'Linux',
            exitCode,
            finishedAt: new Date(),
            ...(error ? { error } : {}),
            ...(exitCode === 0 ? {} : diagnosis),
          });
        },
      });
      const terminal = vscode.window.createTerminal({
        name: TEST_TERMINAL_NAME,
        pty,
        iconPath: new vscode.ThemeIcon('beaker'),
      });
      terminal.show(true);
    });
    ctx.model.setTestBuild(outcome);
    void vscode.commands.executeCommand(
      'setContext',
      'linuxBuilderDoctor.testBuildFailed',
      outcome.exitCode !== 0 && outcome.fix !== undefined,
    );
    // Exit 0: built on the builder; 1: the build failed (2 is a usage error, a spawn error says nothing).
    if (outcome.exitCode === 0 || outcome.exitCode === 1)
      await ctx
        .reportBuilderStatus({ works: outcome.exitCode === 0, source: 'test-build' })
        .catch((e: unknown) =>
          ctx.log.warn(`telling the server the test build's result failed: ${errorText(e)}`),
        );
    ctx.log.info(`test build ended: ${outcome.error ?? `exit ${outcome.exitCode ?? '?'}`}`);
    notify(ctx, outcome);
    return outcome;
  };
}

/**
 * The build's result as a notification. A failure names its cause in plain words (the CLI's
 * `test` diagnoses it with the probes) and offers "Show Fix"; only a failure without a known cause
 * sends the user to the health checks.
 */
function notify(ctx: Ctx, outcome: TestBuildOutcome): void {
  const { system } = outcome;
  if (outcome.exitCode === 0) {
    void vscode.window
      .showInformationMessage(`Linux builder works: a ${system} test build succeeded on it.`, 'Show Log')
      .then((choice) => {
        if (choice) ctx.log.show();
      });
    return;
  }
  const cause = outcome.cause && outcome.cause !== 'unknown' ? outcome.cause : undefined;
  const message = cause
    ? `The ${system} test build failed: ${causeHeadline(cause)}. (${cause})`
    : `The ${system} test build failed (${outcome.error ?? `exit ${outcome.exitCode ?? '?'}`}). Run Health Checks to find the cause.`;
  const actions = cause ? [SHOW_FIX, 'Show Log'] : ['Show Log', 'Run Health Checks'];
  void vscode.window.showErrorMessage(message, ...actions).then((choice) => {
    if (choice === 'Show Log') ctx.log.show();
    if (choice === SHOW_FIX) void vscode.commands.executeCommand('linuxBuilderDoctor.showTestBuildFix');
    if (choice === 'Run Health Checks')
      void vscode.commands.executeCommand('linuxBuilderDoctor.runHealthChecks');
  });
}

const SHOW_FIX = 'Show Fix';
export const TEST_BUILD_PATH = '/evidence/test-build.md';

/** "Show Fix" after a failed test build: its cause, the CLI's diagnosis and the fix, rendered. */
export function showTestBuildFix(ctx: Ctx): () => Promise<vscode.TextDocument | undefined> {
  return async () => {
    const outcome = ctx.model.testBuild;
    if (!outcome || outcome.exitCode === 0) return undefined;
    return showRendered(ctx.documents.set(TEST_BUILD_PATH, testBuildMarkdown(outcome)));
  };
}
