import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { shellReady } from '../terminal/shellReady.js';
import { probeFromArg } from './probeArg.js';

/**
 * Row action "Fix…": shell fixes are typed into a new terminal but NOT executed (the user reads and
 * presses Enter; many need sudo); fixes with only documentation open it. Nix edits are quick fixes
 * on the diagnostics in .nix files, offered by the language server.
 */
export function fixProbe(ctx: Ctx): (arg: unknown) => Promise<vscode.Terminal | undefined> {
  return async (arg) => {
    const result = probeFromArg(ctx, arg);
    const fix = result?.fix;
    if (!result || !fix) return undefined;
    if (fix.commands?.length) {
      const terminal = vscode.window.createTerminal({ name: `Fix: ${result.title}`, iconPath: new vscode.ThemeIcon('tools') });
      terminal.show();
      await shellReady(terminal);
      // Joined with && so one Enter runs them in order and stops at the first failure.
      terminal.sendText(fix.commands.join(' && '), false);
      return terminal;
    }
    const actions = fix.docs ? ['Open Documentation'] : [];
    const choice = await vscode.window.showInformationMessage(`${result.title}: ${fix.summary}`, ...actions);
    if (choice && fix.docs) await vscode.env.openExternal(vscode.Uri.parse(fix.docs));
    return undefined;
  };
}
