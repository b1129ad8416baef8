/**
 * Hover on an option name: the attribute name under the cursor that belongs to a located
 * definition's path (`nix.linux-builder.protocol = …`, or `protocol` inside `linux-builder = { … }`)
 * shows that option's type, default, doc and upstream source.
 */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import { describeOption } from '../schema/index.js';
import type { Located } from '../nix/model.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
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

export function hoverAt(document: TextDocument, located: Located, position: Position): Hover | null {
  const named = optionPathAt(located, document.offsetAt(position));
  if (!named) return null;
  const doc = describeOption(named.path);
  if (!doc) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: optionMarkdown(doc, { withName: true }) },
    range: { start: document.positionAt(named.from), end: document.positionAt(named.to) },
  };
}
