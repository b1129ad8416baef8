/** What a value expression is, as far as it can be known without evaluating Nix. */
import type { SourceText } from './sourceText.js';
import type { SyntaxNode } from '@lezer/common';
import type { Span, StaticValue } from './model.js';
import { stringValue } from './strings.js';
import { ownText } from './ownText.js';

export function spanOf(node: { from: number; to: number }): Span {
  return { from: node.from, to: node.to };
}

/** The expression children of a node (skipping punctuation, keywords and error nodes). */
export function isExpression(node: { readonly name: string }): boolean {
  return expressionNames.has(node.name);
}

const expressionNames = new Set([
  'Lambda',
  'Assert',
  'With',
  'Let',
  'If',
  'UnaryExpr',
  'BinaryExpr',
  'HasAttr',
  'Apply',
  'Select',
  'Identifier',
  'Int',
  'Float',
  'String',
  'IndentedString',
  'Path',
  'SearchPath',
  'Uri',
  'Parens',
  'LetSet',
  'AttrSet',
  'List',
]);

export function staticValue(node: SyntaxNode, text: SourceText): StaticValue {
  const span = spanOf(node);
  switch (node.name) {
    case 'String':
      return { kind: 'string', value: stringValue(node, text), quote: 'double', span };
    case 'IndentedString':
      return { kind: 'string', value: stringValue(node, text), quote: 'indented', span };
    case 'Int':
      return { kind: 'int', value: Number(text.slice(node.from, node.to)), span };
    case 'Float':
      return { kind: 'float', value: Number(text.slice(node.from, node.to)), span };
    case 'Path':
    case 'SearchPath':
      return { kind: 'path', text: ownText(text.slice(node.from, node.to)), span };
    case 'Identifier': {
      const name = text.slice(node.from, node.to);
      if (name === 'true' || name === 'false') return { kind: 'bool', value: name === 'true', span };
      if (name === 'null') return { kind: 'null', span };
      break;
    }
    case 'UnaryExpr': {
      // `-1` is a negation applied to 1 in Nix's grammar; a negative number is what it means.
      const operand = node.lastChild;
      if (
        node.firstChild?.name === 'ArithOp' &&
        operand &&
        (operand.name === 'Int' || operand.name === 'Float')
      ) {
        const value = -Number(text.slice(operand.from, operand.to));
        return { kind: operand.name === 'Int' ? 'int' : 'float', value, span };
      }
      break;
    }
    case 'List': {
      const items: StaticValue[] = [];
      for (let child = node.firstChild; child; child = child.nextSibling) {
        if (isExpression(child)) items.push(staticValue(child, text));
      }
      return { kind: 'list', items, span };
    }
    case 'AttrSet':
      return { kind: 'attrs', span };
    case 'Lambda':
      return { kind: 'function', span };
    case 'Parens': {
      const inner = node.firstChild?.nextSibling;
      if (inner && isExpression(inner)) return { ...staticValue(inner, text), span: spanOf(inner) };
      break;
    }
  }
  return { kind: 'other', text: ownText(text.slice(node.from, node.to)), span };
}
