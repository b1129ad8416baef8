// The duplicate-attribute check as it was before it was made incremental (commit b1009bb's
// src/nix/duplicates.ts): the oracle the incremental one is compared with.
/**
 * Attributes defined twice in one set, which Nix refuses while parsing ("attribute 'a.b'
 * already defined"). Follows Nix 2.8's addAttr (src/libexpr/parser.y): dotted paths walk into
 * sets written literally or made by earlier dotted paths; `a = { … }; a = { … };` merges
 * the two sets one level deep; anything else defined twice, or defined under an inherited
 * or non-set value, is an error. Computed names (`${x}`) never clash.
 */
import type { SyntaxNode } from '@lezer/common';
import type { Span } from '../../../src/nix/model.js';
import { stringValue } from '../../../src/nix/strings.js';
import { attrName, expressionChildren } from '../../../src/nix/unwrap.js';

interface Entry {
  /** The attributes when the value is a set (written, or made by dotted paths). */
  attrs: Map<string, Entry> | null;
  inherited: boolean;
  span: Span;
}

export interface DuplicateAttribute {
  /** The later definition's name. */
  span: Span;
  path: string;
  /** Where the attribute was first defined. */
  first: Span;
}

const bindingContainers = new Set(['AttrSet', 'LetSet', 'Let']);

/** A literal set value (parentheses are not part of Nix's syntax tree). */
function literalSet(node: SyntaxNode | undefined): SyntaxNode | null {
  let n = node;
  while (n?.name === 'Parens') n = expressionChildren(n)[0];
  return n?.name === 'AttrSet' ? n : null;
}

class Checker {
  readonly found: DuplicateAttribute[] = [];
  private readonly built = new Map<SyntaxNode['from'], Map<string, Entry>>();

  constructor(private readonly text: string) {}

  private decode = (n: SyntaxNode): string | null => stringValue(n, this.text);

  /** The attributes a set (or let) defines, reporting clashes; each set is read once. */
  attrsOf(set: SyntaxNode): Map<string, Entry> {
    const key = set.from * 4 + (set.name === 'Let' ? 1 : set.name === 'LetSet' ? 2 : 0);
    const cached = this.built.get(key);
    if (cached) return cached;
    const attrs = new Map<string, Entry>();
    this.built.set(key, attrs);
    for (let item = set.firstChild; item; item = item.nextSibling) {
      if (item.name === 'Inherit') this.inherit(item, attrs);
      else if (item.name === 'Binding') this.bind(item, attrs);
    }
    return attrs;
  }

  private clash(span: Span, path: string[], first: Span): void {
    this.found.push({ span, path: path.join('.'), first });
  }

  private inherit(item: SyntaxNode, attrs: Map<string, Entry>): void {
    const source = item.getChild('(') ? expressionChildren(item)[0] : undefined;
    for (let c = item.firstChild; c; c = c.nextSibling) {
      if (c.name !== 'AttrName' && c.name !== 'String' && c.name !== 'Interpolation') continue;
      if (source && c.from < source.to) continue;
      const name = attrName(c, this.text, this.decode);
      if (name === '${…}') continue;
      const span = { from: c.from, to: c.to };
      const existing = attrs.get(name);
      if (existing) this.clash(span, [name], existing.span);
      else attrs.set(name, { attrs: null, inherited: true, span });
    }
  }

  private bind(binding: SyntaxNode, root: Map<string, Entry>): void {
    const pathNode = binding.getChild('AttrPath');
    if (!pathNode) return;
    const elements: SyntaxNode[] = [];
    for (let c = pathNode.firstChild; c; c = c.nextSibling) {
      if (c.name === 'AttrName' || c.name === 'String' || c.name === 'Interpolation') elements.push(c);
    }
    const names = elements.map((e) => attrName(e, this.text, this.decode));
    const eq = binding.getChild('=');
    let value: SyntaxNode | undefined;
    for (let c = eq?.nextSibling ?? null; c && !value; c = c.nextSibling)
      if (!c.type.isError && c.name !== ';') value = c;
    // A name without `=` and value is error recovery's guess, not a definition.
    if (!value) return;
    let attrs = root;
    for (let i = 0; i < names.length; i++) {
      const name = names[i] ?? '';
      const element = elements[i];
      if (name === '${…}' || !element) return;
      const span = { from: element.from, to: element.to };
      const existing = attrs.get(name);
      const last = i === names.length - 1;
      if (!last) {
        if (existing && (existing.inherited || !existing.attrs)) {
          this.clash(span, names, existing.span);
          return;
        }
        if (existing?.attrs) {
          attrs = existing.attrs;
        } else {
          const nested = new Map<string, Entry>();
          attrs.set(name, { attrs: nested, inherited: false, span });
          attrs = nested;
        }
        continue;
      }
      const set = literalSet(value);
      const own = set ? this.attrsOf(set) : null;
      if (!existing) {
        attrs.set(name, { attrs: own, inherited: false, span });
      } else if (existing.attrs && !existing.inherited && own) {
        // Two sets for one name merge, one level deep.
        for (const [key, entry] of own) {
          const clash = existing.attrs.get(key);
          if (clash) this.clash(entry.span, [...names, key], clash.span);
          else existing.attrs.set(key, entry);
        }
      } else {
        this.clash(span, names, existing.span);
      }
    }
  }
}

/** Every attribute defined twice in a set or `let` of the tree rooted at `top`. */
export function duplicateAttributes(top: SyntaxNode, text: string): DuplicateAttribute[] {
  const checker = new Checker(text);
  const cursor = top.cursor();
  do {
    if (bindingContainers.has(cursor.name)) checker.attrsOf(cursor.node);
  } while (cursor.next());
  return checker.found;
}
