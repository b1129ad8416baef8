import * as vscode from 'vscode';
import { SECTION } from '../config.js';
import type { Ctx } from '../ctx.js';

const SETTING = 'rules.disabled';

interface TargetPick extends vscode.QuickPickItem {
  target: vscode.ConfigurationTarget;
}

/**
 * "Disable rule ‹id›" (a code action the language server offers, carrying the rule id): adds the id
 * to `linuxBuilderDoctor.rules.disabled`, in this workspace or for the user, and the server stops
 * reporting it at once. `target` skips the question (other extensions, keybindings).
 * Settings are not merged across scopes: a workspace list hides the user's, so a new workspace list
 * starts from the user's, and disabling for the user also adds the id to a workspace list that exists.
 */
export function disableRule(
  ctx: Ctx,
): (rule?: unknown, target?: unknown) => Promise<vscode.ConfigurationTarget | undefined> {
  return async (rule, target) => {
    if (typeof rule !== 'string' || !/^[a-z0-9-]+$/.test(rule)) {
      ctx.log.warn(`disableRule: not a rule id: ${String(rule)}`);
      return undefined;
    }
    const chosen = await chooseTarget(rule, target);
    if (chosen === undefined) return undefined;
    const config = vscode.workspace.getConfiguration(SECTION);
    const values = config.inspect<string[]>(SETTING);
    const add = (list: readonly string[] | undefined): string[] | undefined =>
      list?.includes(rule) ? undefined : [...(list ?? []), rule];
    if (chosen === vscode.ConfigurationTarget.Workspace) {
      const next = add(values?.workspaceValue ?? values?.globalValue);
      if (next) await config.update(SETTING, next, vscode.ConfigurationTarget.Workspace);
    } else {
      const next = add(values?.globalValue);
      if (next) await config.update(SETTING, next, vscode.ConfigurationTarget.Global);
      const workspace = values?.workspaceValue && add(values.workspaceValue);
      if (workspace) await config.update(SETTING, workspace, vscode.ConfigurationTarget.Workspace);
    }
    const where =
      chosen === vscode.ConfigurationTarget.Workspace ? 'in this workspace' : 'in your user settings';
    ctx.log.info(`rule ${rule} disabled ${where}`);
    return chosen;
  };
}

async function chooseTarget(rule: string, target: unknown): Promise<vscode.ConfigurationTarget | undefined> {
  if (target === 'workspace' || target === vscode.ConfigurationTarget.Workspace)
    return vscode.ConfigurationTarget.Workspace;
  if (target === 'user' || target === vscode.ConfigurationTarget.Global)
    return vscode.ConfigurationTarget.Global;
  // Without a folder open there is no workspace to write to.
  if (!vscode.workspace.workspaceFolders?.length) return vscode.ConfigurationTarget.Global;
  const picks: TargetPick[] = [
    {
      label: 'This Workspace',
      description: 'workspace settings',
      target: vscode.ConfigurationTarget.Workspace,
    },
    { label: 'All Workspaces', description: 'user settings', target: vscode.ConfigurationTarget.Global },
  ];
  const pick = await vscode.window.showQuickPick(picks, {
    title: `Disable rule ${rule}`,
    placeHolder: 'Where?',
  });
  return pick?.target;
}
