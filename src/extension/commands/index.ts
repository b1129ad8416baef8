import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { copyCommand } from './copyCommand.js';
import { copyFix } from './copyFix.js';
import { disableRule } from './disableRule.js';
import { explainErrorText } from './explainErrorText.js';
import { fixProbe } from './fixProbe.js';
import { copyReport, openReport } from './openReport.js';
import { restartServer } from './restartServer.js';
import { runAdminChecks } from './runAdminChecks.js';
import { runHealthChecks } from './runHealthChecks.js';
import { showEvidence } from './showEvidence.js';
import { showLog } from './showLog.js';
import { showRuleDocumentation } from './showRuleDocumentation.js';
import { showTestBuildFix, testBuilder } from './testBuilder.js';

type Factory = (ctx: Ctx) => (...args: never[]) => unknown;

/** Command id -> factory; the ids and titles are in package.json (docs/dev/architecture.md#stable-names-and-the-cli-contract). */
const COMMANDS: Record<string, Factory> = {
  'linuxBuilderDoctor.testBuilder': testBuilder,
  'linuxBuilderDoctor.runHealthChecks': runHealthChecks,
  'linuxBuilderDoctor.openReport': openReport,
  'linuxBuilderDoctor.showEvidence': showEvidence,
  'linuxBuilderDoctor.copyCommand': copyCommand,
  'linuxBuilderDoctor.fixProbe': fixProbe,
  'linuxBuilderDoctor.runAdminChecks': runAdminChecks,
  'linuxBuilderDoctor.restartServer': restartServer,
  'linuxBuilderDoctor.showLog': showLog,
  'linuxBuilderDoctor.explainErrorText': explainErrorText,
  'linuxBuilderDoctor.copyFix': copyFix,
  'linuxBuilderDoctor.copyReport': copyReport,
  'linuxBuilderDoctor.showRuleDocumentation': showRuleDocumentation,
  'linuxBuilderDoctor.showTestBuildFix': showTestBuildFix,
  // Both carried by the server's code actions (protocol/lsp.ts: DISABLE_RULE_COMMAND and the docs one).
  'linuxBuilderDoctor.disableRule': disableRule,
};

export function registerCommands(ctx: Ctx): void {
  for (const [id, factory] of Object.entries(COMMANDS)) {
    ctx.pushExt(vscode.commands.registerCommand(id, factory(ctx)));
  }
}
