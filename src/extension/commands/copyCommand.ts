import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { copyableCommand } from '../health/format.js';
import { probeFromArg } from './probeArg.js';

/** Row action "Copy Command": the command the probe ran (to re-check by hand), else its fix commands. */
export function copyCommand(ctx: Ctx): (arg: unknown) => Promise<string | undefined> {
  return async (arg) => {
    const result = probeFromArg(ctx, arg);
    const text = result ? copyableCommand(result) : undefined;
    if (!text) return undefined;
    await vscode.env.clipboard.writeText(text);
    void vscode.window.setStatusBarMessage('Linux Builder Doctor: command copied', 3000);
    return text;
  };
}
