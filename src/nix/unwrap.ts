/**
 * Seeing through the module system's wrappers to the value a definition gives: `mkIf c v`,
 * `mkDefault`/`mkForce`/`mkOverride n`/`mkOptionDefault`, `mkMerge [ … ]` (each element),
 * `mkBefore`/`mkAfter`/`mkOrder n`, `if … then … else …` (both branches), and plain
 * parentheses, `let … in`, `with …;` and `assert …;` around a value. Names are recognised
 * whether written bare (`mkIf`, with lib in scope), `lib.mkIf` or `pkgs.lib.mkIf`.
 */
import type { SourceText } from './sourceText.js';
import type { SyntaxNode } from '@lezer/common';
import type { Priority } from './model.js';
import { isExpression } from './staticValue.js';
import { ownText } from './ownText.js';

export interface Unwrapped {
  node: SyntaxNode;
  conditional: boolean;
  priority: Priority;
}

/** The expression children of a node, in order. */
export function expressionChildren(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling)
    if (isExpression(child)) out.push(child);
  return out;
}

/** The static name of one attribute-path element: `a`, `"a"`, `${"a"}`; `${…}` when computed. */
export function attrName(
  node: SyntaxNode,
  text: SourceText,
  decode: (n: SyntaxNode) => string | null,
): string {
  if (node.name === 'AttrName') return ownText(text.slice(node.from, node.to));
  if (node.name === 'String') return decode(node) ?? '${…}';
  if (node.name === 'Interpolation') {
    const inner = expressionChildren(node);
    if (inner.length === 1 && inner[0]?.name === 'String') return decode(inner[0]) ?? '${…}';
  }
  return '${…}';
}

/** A call's function and arguments: `f a b` gives f and [a, b]. */
export function flattenApply(node: SyntaxNode): { callee: SyntaxNode; args: SyntaxNode[] } {
  const args: SyntaxNode[] = [];
  let callee = node;
  while (callee.name === 'Apply') {
    const [fn, arg] = expressionChildren(callee);
    if (!fn || !arg) break;
    args.unshift(arg);
    callee = fn;
  }
  return { callee, args };
}

/** The last name of a callee: `lib.mkIf` and `mkIf` give `mkIf`; null when not a plain name. */
export function calleeName(callee: SyntaxNode, text: SourceText): string | null {
  if (callee.name === 'Identifier') return text.slice(callee.from, callee.to);
  if (callee.name === 'Select' && !callee.getChild('or')) {
    const path = callee.getChild('AttrPath');
    const last = path?.lastChild;
    if (last?.name === 'AttrName') return text.slice(last.from, last.to);
  }
  return null;
}

/** The literal `false` (in parentheses or not): a condition that never holds. */
function isLiteralFalse(node: SyntaxNode | undefined, text: SourceText): boolean {
  while (node?.name === 'Parens') node = expressionChildren(node)[0];
  return node?.name === 'Identifier' && text.slice(node.from, node.to) === 'false';
}

const priorities: Record<string, Priority> = {
  mkDefault: 'mkDefault',
  mkForce: 'mkForce',
  mkOptionDefault: 'mkOptionDefault',
  mkOverride: 'mkOverride',
};

/**
 * The values a binding's right-hand side stands for once the module-system wrappers (mkIf, mkForce,
 * mkMerge, …), parentheses, let/with/assert and if/else are looked through, in source order.
 * An explicit stack, not recursion: the nesting depth comes from the file, and 5,000 nested
 * parentheses are valid Nix that must not overflow the stack (docs/dev/security.md).
 */
export function unwrapValue(
  node: SyntaxNode,
  text: SourceText,
  conditional = false,
  priority: Priority = 'normal',
): Unwrapped[] {
  const out: Unwrapped[] = [];
  const stack: Unwrapped[] = [{ node, conditional, priority }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const step = unwrapStep(item, text);
    if ('final' in step) out.push(step.final);
    else for (let i = step.next.length - 1; i >= 0; i--) stack.push(step.next[i] as Unwrapped);
  }
  return out;
}

/** One layer of {@link unwrapValue}: the value itself (final), or what to look through next. */
function unwrapStep(item: Unwrapped, text: SourceText): { final: Unwrapped } | { next: Unwrapped[] } {
  const { node, conditional, priority } = item;
  const again = (next: SyntaxNode | undefined, c = conditional, p = priority) =>
    next ? { next: [{ node: next, conditional: c, priority: p }] } : { final: item };
  switch (node.name) {
    case 'Parens':
    case 'Let':
    case 'With':
    case 'Assert':
      return again(expressionChildren(node).at(-1));
    case 'If': {
      const [condition, yes, no] = expressionChildren(node);
      if (!yes || !no) return { final: item };
      // `if false then … else v` is v.
      if (condition && isLiteralFalse(condition, text)) return again(no);
      return {
        next: [
          { node: yes, conditional: true, priority },
          { node: no, conditional: true, priority },
        ],
      };
    }
    case 'Apply': {
      const { callee, args } = flattenApply(node);
      const name = calleeName(callee, text);
      const outer = priority === 'normal' && name ? (priorities[name] ?? 'normal') : priority;
      switch (name) {
        case 'mkIf':
          // `mkIf false …` never applies: opaque, like a value we cannot read (nothing in it is located).
          if (args.length === 2 && isLiteralFalse(args[0], text))
            return { final: { node, conditional: true, priority } };
          if (args.length === 2) return again(args[1], true);
          break;
        case 'mkDefault':
        case 'mkForce':
        case 'mkOptionDefault':
        case 'mkBefore':
        case 'mkAfter':
          if (args.length === 1) return again(args[0], conditional, outer);
          break;
        case 'mkOverride':
        case 'mkOrder':
          if (args.length === 2) return again(args[1], conditional, outer);
          break;
        case 'mkMerge': {
          let list = args.length === 1 ? args[0] : undefined;
          while (list?.name === 'Parens') list = expressionChildren(list)[0];
          if (list?.name === 'List')
            return { next: expressionChildren(list).map((n) => ({ node: n, conditional, priority })) };
          break;
        }
      }
      break;
    }
  }
  return { final: item };
}
