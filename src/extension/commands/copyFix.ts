import * as vscode from 'vscode';
import { hasControlCharacter } from '../../protocol/shellText.js';
import type { Ctx } from '../ctx.js';
import { probeFromArg } from './probeArg.js';

/**
 * Row action "Copy Fix" (the verdict's and each probe's): the fix's shell commands, one a line, to
 * paste where the user wants them; without commands, the fix's sentence. Never a command holding a
 * control character (it would not paste as shown).
 */
export function copyFix(ctx: Ctx): (arg: unknown) => Promise<string | undefined> {
  return async (arg) => {
    const result = probeFromArg(ctx, arg);
    const fix = result?.fix;
    if (!result || !fix) return undefined;
    const commands = fix.commands ?? [];
    if (commands.some(hasControlCharacter)) {
      void vscode.window.showWarningMessage(
        `${result.title}: the fix's command contains a control character (such as a newline), so it is not copied.`,
      );
      return undefined;
    }
    const text = commands.length > 0 ? commands.join('\n') : fix.summary;
    await vscode.env.clipboard.writeText(text);
    void vscode.window.setStatusBarMessage('Linux Builder Doctor: fix copied', 3000);
    return text;
  };
}
