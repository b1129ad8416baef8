/** Markdown for one documented option, shared by hover and completion. */
import type { OptionDoc } from '../schema/index.js';

/** `nix.buildMachines.*.hostName` as users write it in docs: list elements shown as `*`. */
export const optionName = (path: readonly string[]): string => path.join('.');

export function optionMarkdown(doc: OptionDoc, options: { withName: boolean }): string {
  const lines: string[] = [];
  if (options.withName) lines.push(`**\`${optionName(doc.path)}\`**`, '');
  lines.push(`*Type:* \`${doc.type}\``);
  if (doc.default !== undefined) lines.push('', `*Default:* \`${doc.default}\``);
  lines.push('', doc.doc);
  if (doc.source) lines.push('', `[Declared in](${doc.source})`);
  return lines.join('\n');
}
