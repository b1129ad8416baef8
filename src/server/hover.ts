/**
 * Hover on an option name: the attribute name under the cursor that belongs to a located
 * definition's path (`nix.linux-builder.protocol = …`, or `protocol` inside `linux-builder = { … }`)
 * shows that option's type, default, doc and upstream source.
 */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { Finding } from '../protocol/findings.js';
import { ruleDocsUrl } from './diagnostics.js';
import { describeOption } from '../schema/index.js';
import type { Located } from '../nix/model.js';
import type { OpenDocument } from './openDocument.js';
import { touches } from './spans.js';
import { optionMarkdown } from './optionDocs.js';

/** The option path named at `offset`, and where that name is written; the narrowest name wins. */
export function optionPathAt(
  located: Located,
  offset: number,
): { path: string[]; from: number; to: number } | undefined {
  let best: { path: string[]; from: number; to: number } | undefined;
  for (const definition of located.definitions) {
    definition.pathSpans.forEach((span, i) => {
      if (definition.path[i] === '*' || !touches(span, offset)) return;
      if (!best || span.to - span.from < best.to - best.from)
        best = { path: definition.path.slice(0, i + 1), from: span.from, to: span.to };
    });
  }
  return best;
}

/** Whether `position` lies in `range` (ends included, as a hover at the last character counts). */
function covers(range: Finding['range'], position: Position): boolean {
  const after = (a: Position, b: Position) =>
    a.line > b.line || (a.line === b.line && a.character >= b.character);
  return after(position, range.start) && after(range.end, position);
}

/**
 * The reasoning of the findings under the cursor: a diagnostic's message is one short sentence
 * (issue 9), its `detail` says why, and the rule's page has the sources.
 */
function findingsMarkdown(findings: readonly Finding[], position: Position, docsBaseUrl?: string): string[] {
  return findings
    .filter((f) => f.detail !== undefined && covers(f.range, position))
    .map((f) => {
      const link = docsBaseUrl ? ` [${f.code}](${ruleDocsUrl(docsBaseUrl, f.code)})` : ` ${f.code}`;
      return `**${f.message}**\n\n${f.detail ?? ''}\n\nRule:${link}`;
    });
}

export function hoverAt(
  document: OpenDocument,
  located: Located,
  position: Position,
  findings: readonly Finding[] = [],
  docsBaseUrl?: string,
): Hover | null {
  const named = optionPathAt(located, document.offsetAt(position));
  const doc = named && describeOption(named.path);
  const parts = findingsMarkdown(findings, position, docsBaseUrl);
  if (doc) parts.push(optionMarkdown(doc, { withName: true }));
  if (parts.length === 0) return null;
  const finding = findings.find((f) => f.detail !== undefined && covers(f.range, position));
  const range =
    named && doc
      ? { start: document.positionAt(named.from), end: document.positionAt(named.to) }
      : finding?.range;
  return {
    contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n---\n\n') },
    ...(range ? { range } : {}),
  };
}
