import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { terminalText } from '../health/format.js';
import { shellReady } from '../terminal/shellReady.js';
import { probeFromArg } from './probeArg.js';

/**
 * Row action "Fix…": shell fixes are typed into a new terminal but NOT executed (the user reads and
 * presses Enter; many need sudo); fixes with only documentation open it. Nix edits are quick fixes
 * on the diagnostics in .nix files, offered by the language server. A command holding a newline or
 * another control character is never typed: it could run, or show something else, with no Enter.
 */
export function fixProbe(ctx: Ctx): (arg: unknown) => Promise<vscode.Terminal | undefined> {
  return async (arg) => {
    const result = probeFromArg(ctx, arg);
    const fix = result?.fix;
    if (!result || !fix) return undefined;
    if (fix.commands?.length) {
      const text = terminalText(fix.commands);
      if (text === undefined) {
        ctx.log.warn(`Fix… refused for ${result.id}: a command contains a control character`);
        void vscode.window.showWarningMessage(
          `${result.title}: the fix's command contains a control character (such as a newline), so it is not typed into a terminal. ${fix.summary}`,
        );
        return undefined;
      }
      const terminal = vscode.window.createTerminal({
        name: `Fix: ${result.title}`,
        iconPath: new vscode.ThemeIcon('tools'),
      });
      terminal.show();
      await shellReady(terminal);
      terminal.sendText(text, false);
      return terminal;
    }
    const actions = fix.docs ? ['Open Documentation'] : [];
    const choice = await vscode.window.showInformationMessage(`${result.title}: ${fix.summary}`, ...actions);
    if (choice && fix.docs) await vscode.env.openExternal(vscode.Uri.parse(fix.docs));
    return undefined;
  };
}
