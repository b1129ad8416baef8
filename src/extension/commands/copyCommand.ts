import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { copyableCommand } from '../health/format.js';
import { probeFromArg } from './probeArg.js';

/**
 * Row action "Copy Command": the command the probe ran (to re-check by hand), else its fix
 * commands; nothing when a value in it holds a control character (it would not paste as what ran).
 */
export function copyCommand(ctx: Ctx): (arg: unknown) => Promise<string | undefined> {
  return async (arg) => {
    const result = probeFromArg(ctx, arg);
    const text = result ? copyableCommand(result) : undefined;
    if (!text) {
      const had =
        result !== undefined &&
        (result.evidence.some((e) => (e.argv?.length ?? 0) > 0) || (result.fix?.commands?.length ?? 0) > 0);
      if (had)
        void vscode.window.showWarningMessage(
          `${result.title}: the command contains a control character (such as a newline), so it is not copied.`,
        );
      return undefined;
    }
    await vscode.env.clipboard.writeText(text);
    void vscode.window.setStatusBarMessage('Linux Builder Doctor: command copied', 3000);
    return text;
  };
}
