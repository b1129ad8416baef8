/**
 * Reading past a missing `;`. In `a = 1⏎  b.c = 2;` Nix (and the grammar) read `1 b.c` as a
 * call, and error recovery drops the second `=`: the tree holds one binding whose value is
 * `1 b.c 2` with an error node for the `=`. This splits such a value back into the two
 * bindings the author meant, so the definitions after the typo are still checked.
 */
import type { SourceText } from './sourceText.js';
import type { SyntaxNode } from '@lezer/common';
import type { Span } from './model.js';
import { spanOf } from './staticValue.js';
import { attrName, flattenApply } from './unwrap.js';

export interface SplitBinding {
  /** The value of the binding before the missing `;` (one node, or several call pieces). */
  head: SyntaxNode[];
  /** The attribute path of the binding after it, and where each name is written. */
  names: string[];
  spans: Span[];
  /** Its value (one node, or several call pieces). */
  rest: SyntaxNode[];
  /** From its first name to the end of the original binding. */
  bindingSpan: Span;
}

/** The first error node inside `node` that stands for a dropped `=`. */
function droppedEquals(node: SyntaxNode, text: SourceText): SyntaxNode | null {
  let found: SyntaxNode | null = null;
  node.cursor().iterate((ref) => {
    if (found) return false;
    if (ref.type.isError && text.slice(ref.from, ref.to) === '=') found = ref.node;
    return undefined;
  });
  return found;
}

/** The names of `b` or `b.c` (an Identifier or a Select without `or`), or null. */
function namesOf(
  node: SyntaxNode,
  text: SourceText,
  decode: (n: SyntaxNode) => string | null,
): { names: string[]; spans: Span[] } | null {
  if (node.name === 'Identifier') return { names: [text.slice(node.from, node.to)], spans: [spanOf(node)] };
  if (node.name !== 'Select' || node.getChild('or')) return null;
  const head = node.firstChild;
  const path = node.getChild('AttrPath');
  if (!head || !path || (head.name !== 'Identifier' && head.name !== 'String')) return null;
  const names = [head.name === 'Identifier' ? text.slice(head.from, head.to) : attrName(head, text, decode)];
  const spans = [spanOf(head)];
  for (let c = path.firstChild; c; c = c.nextSibling) {
    if (c.name !== 'AttrName' && c.name !== 'String' && c.name !== 'Interpolation') continue;
    names.push(attrName(c, text, decode));
    spans.push(spanOf(c));
  }
  return { names, spans };
}

export function splitAtMissingSemicolon(
  binding: SyntaxNode,
  text: SourceText,
  decode: (n: SyntaxNode) => string | null,
): SplitBinding | null {
  const eq = binding.getChild('=');
  let value: SyntaxNode | null = eq?.nextSibling ?? null;
  while (value && value.type.isError) value = value.nextSibling;
  if (value?.name !== 'Apply') return null;
  const dropped = droppedEquals(value, text);
  if (!dropped) return null;
  const { callee, args } = flattenApply(value);
  const pieces = [callee, ...args];
  // The piece holding the dropped `=` (inside `b.c`'s path), or the last one before it (`b`).
  let k = pieces.findIndex((p) => p.from <= dropped.from && dropped.to <= p.to);
  if (k < 0) k = pieces.reduce((last, p, i) => (p.to <= dropped.from ? i : last), -1);
  const name = pieces[k];
  if (k < 1 || !name) return null;
  // The lost binding starts on a later line than its predecessor's `=`.
  if (!text.slice(eq?.to ?? binding.from, name.from).includes('\n')) return null;
  const path = namesOf(name, text, decode);
  const rest = pieces.slice(k + 1);
  if (!path || rest.length === 0) return null;
  return {
    head: pieces.slice(0, k),
    names: path.names,
    spans: path.spans,
    rest,
    bindingSpan: { from: name.from, to: binding.to },
  };
}
