/**
 * Printing Nix for quick fixes: names, strings, and edits that add or remove a binding while
 * keeping the file's indentation. Every fix the rules offer is built from these, and the tests
 * check every fix's output with `nix-instantiate --parse`.
 */
import { charAt, type SourceText } from './sourceText.js';
import { lineIndent } from './indent.js';
import type { AttrSetInfo, ModuleInfo, Span } from './model.js';

/** An edit in document offsets; the engine converts it to an LSP range. */
export interface OffsetEdit {
  from: number;
  to: number;
  newText: string;
}

const KEYWORDS = new Set(['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit', 'or']);

/** An attribute name as Nix accepts it: bare when it is an identifier, quoted otherwise. */
export function nixAttrName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_'-]*$/.test(name) && !KEYWORDS.has(name) ? name : nixString(name);
}

export function nixAttrPath(path: readonly string[]): string {
  return path.map(nixAttrName).join('.');
}

/** A double-quoted Nix string: `\`, `"` and `${` escaped so the text is taken literally. */
export function nixString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$\{/g, '\\${').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r')}"`;
}

export function nixStringList(values: readonly string[]): string {
  return values.length === 0 ? '[ ]' : `[ ${values.map(nixString).join(' ')} ]`;
}

/** Re-indent the lines after the first of a multi-line value to sit under `indent`. */
export function indentValue(value: string, indent: string): string {
  return value.replace(/\n(?=.)/g, `\n${indent}`);
}

/**
 * Removes a binding. When it stands alone on its lines, the whole lines go (no blank line is left
 * behind); otherwise just the binding and the spaces after it.
 */
export function removeBinding(text: SourceText, binding: Span): OffsetEdit {
  const lineStart = text.lastIndexOf('\n', binding.from - 1) + 1;
  const before = text.slice(lineStart, binding.from);
  let end = binding.to;
  while (charAt(text, end) === ' ' || charAt(text, end) === '\t') end++;
  const aloneBefore = /^[ \t]*$/.test(before);
  const aloneAfter = end >= text.length || charAt(text, end) === '\n' || charAt(text, end) === '\r';
  if (aloneBefore && aloneAfter) {
    let to = end;
    if (charAt(text, to) === '\r') to++;
    if (charAt(text, to) === '\n') to++;
    return { from: lineStart, to, newText: '' };
  }
  return { from: binding.from, to: end, newText: '' };
}

/**
 * Adds `relativePath = value;` as the last binding of `set`, on its own line at the set's inner
 * indentation. An empty `{ }` is opened onto lines.
 */
export function insertIntoSet(
  text: SourceText,
  set: AttrSetInfo,
  relativePath: readonly string[],
  value: string,
): OffsetEdit {
  const close = set.span.to - 1; // the `}`
  let last = close - 1;
  while (last > set.span.from && /\s/.test(charAt(text, last))) last--;
  const binding = `${nixAttrPath(relativePath)} = ${indentValue(value, set.innerIndent)};`;
  if (last === set.span.from) {
    // Empty set: `{ }` → `{\n  inner…;\n}` with the closing brace at the set's own indentation.
    const outer = lineIndent(text, set.span.from);
    return { from: set.span.from + 1, to: close, newText: `\n${set.innerIndent}${binding}\n${outer}` };
  }
  return { from: last + 1, to: last + 1, newText: `\n${set.innerIndent}${binding}` };
}

/**
 * What to write for `lib.X` inside `module`, and the edit that brings `lib` into scope when it is
 * not: add it to the function's arguments, or make a plain-set module a function of `{ lib, ... }`.
 */
export function libInScope(text: SourceText, module: ModuleInfo): OffsetEdit[] {
  return argumentInScope(text, module, 'lib');
}

/** The same for any module argument (`config`): added to the formals, or the set made a function. */
export function argumentInScope(text: SourceText, module: ModuleInfo, name: 'lib' | 'config'): OffsetEdit[] {
  if (module.formals?.names.includes(name) || (name === 'lib' && module.withScopes.includes('lib')))
    return [];
  if (module.formals) {
    const open = module.formals.span.from + 1;
    const inner = text.slice(open, module.formals.span.to - 1);
    return [{ from: open, to: open, newText: /^\s*$/.test(inner) ? ` ${name} ` : ` ${name},` }];
  }
  // A plain attribute set: wrap it. Inside a list (flake `modules = [ … ]`, `imports = [ … ]`)
  // the function needs parentheses, or the list would get two elements.
  if (module.kind === 'file')
    return [{ from: module.span.from, to: module.span.from, newText: `{ ${name}, ... }:\n` }];
  return [
    { from: module.span.from, to: module.span.from, newText: `({ ${name}, ... }: ` },
    { from: module.span.to, to: module.span.to, newText: ')' },
  ];
}
