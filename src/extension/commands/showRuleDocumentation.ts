import type * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { docUri, showRendered } from '../documents/provider.js';
import { RULE_DOCS_PREFIX, RULE_ID, rulePage } from '../documents/rulePages.js';

/**
 * "Show documentation for ‹id›" and the rule links in Problems: the rule's page rendered inside
 * VS Code from the packaged docs, not the raw file and not a browser.
 */
export function showRuleDocumentation(
  ctx: Ctx,
): (ruleId: unknown) => Promise<vscode.TextDocument | undefined> {
  return async (ruleId) => {
    if (typeof ruleId !== 'string' || !RULE_ID.test(ruleId)) return undefined;
    const path = `${RULE_DOCS_PREFIX}${ruleId}.md`;
    if (rulePage((p) => ctx.extension.asAbsolutePath(p), path) === undefined) return undefined;
    return showRendered(docUri(path));
  };
}
