import * as vscode from 'vscode';
import { SHOW_RULE_DOCUMENTATION_COMMAND } from '../../protocol/lsp.js';
import { DOC_SCHEME, docUri, showRendered } from './provider.js';
import { RULE_DOCS_PREFIX, RULE_ID } from './rulePages.js';

/**
 * Rule links that open the rendered rule page, offline, from every place VS Code shows one.
 *
 * The diagnostic hover and the F8 peek open a diagnostic's `code.target` without command permission
 * (a `command:` URI there does nothing), while the Problems panel allows commands. A URI of our own
 * read-only scheme opens in all three, as a text editor; this query marks the link so that editor
 * is swapped for the rendered page (the page's own "Open Source" opens the URI without it, as text).
 */
const RENDER_QUERY = 'rendered';

/** The code link of a diagnostic of rule `id`: linux-builder-doctor:/rules/<id>.md?rendered. */
export function ruleLinkUri(id: string): vscode.Uri {
  return docUri(`${RULE_DOCS_PREFIX}${id}.md`).with({ query: RENDER_QUERY });
}

/** Swaps a rule link opened as text for the rendered page in the same editor group. */
export function renderRuleLinks(): vscode.Disposable {
  return vscode.window.tabGroups.onDidChangeTabs(async (event) => {
    for (const tab of event.opened) {
      const input = tab.input;
      if (!(input instanceof vscode.TabInputText)) continue;
      const uri = input.uri;
      if (uri.scheme !== DOC_SCHEME || uri.query !== RENDER_QUERY) continue;
      await showRendered(uri.with({ query: '' }));
      await vscode.window.tabGroups.close(tab);
    }
  });
}

/**
 * The server's hover names the rule with a link to its page as a file (what any LSP client can
 * open; in VS Code the raw Markdown). Here the link runs "Show documentation" instead, which renders
 * the page; hover Markdown runs a command only if it is trusted with that command.
 */
export function renderedHover(hover: vscode.Hover): vscode.Hover {
  let changed = false;
  const contents = hover.contents.map((content) => {
    if (!(content instanceof vscode.MarkdownString)) return content;
    // `[ssh-options](…/ssh-options.md)`: a link labelled with a rule id, to that rule's page.
    const value = content.value.replace(/\[([a-z0-9-]+)\]\([^()\s]*?\/\1\.md\)/g, (link, id: string) => {
      if (!RULE_ID.test(id)) return link;
      changed = true;
      const args = encodeURIComponent(JSON.stringify([id]));
      return `[${id}](command:${SHOW_RULE_DOCUMENTATION_COMMAND}?${args} "Show documentation for ${id}")`;
    });
    if (value === content.value) return content;
    const trusted = new vscode.MarkdownString(value, content.supportThemeIcons);
    trusted.isTrusted = { enabledCommands: [SHOW_RULE_DOCUMENTATION_COMMAND] };
    trusted.supportHtml = content.supportHtml ?? false;
    return trusted;
  });
  return changed ? new vscode.Hover(contents, hover.range) : hover;
}
