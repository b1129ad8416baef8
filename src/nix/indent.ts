/** Indentation helpers for fixes that insert a binding or a list item. */
import { charAt, type SourceText } from './sourceText.js';
import type { SyntaxNode } from '@lezer/common';

function lineStart(text: SourceText, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** The whitespace that starts the line holding `pos`. */
export function lineIndent(text: SourceText, pos: number): string {
  const start = lineStart(text, pos);
  let end = start;
  while (charAt(text, end) === ' ' || charAt(text, end) === '\t') end++;
  return text.slice(start, end);
}

/**
 * The indentation of the first item inside a `{ … }` or `[ … ]` when it starts its own line;
 * otherwise the container's line indentation plus two spaces.
 */
export function innerIndent(
  text: SourceText,
  container: SyntaxNode,
  isItem: (n: SyntaxNode) => boolean,
): string {
  for (let child = container.firstChild; child; child = child.nextSibling) {
    if (!isItem(child)) continue;
    const start = lineStart(text, child.from);
    if (text.slice(start, child.from).trim() === '') return text.slice(start, child.from);
    break;
  }
  return `${lineIndent(text, container.from)}  `;
}
