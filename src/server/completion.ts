/**
 * Completion of option names: under `nix.linux-builder`, inside `nix.buildMachines` entries and
 * under `config.virtualisation.darwin-builder` (whatever `childOptions` documents). The path is
 * the option path of the innermost attribute set around the cursor plus any dotted prefix already
 * typed (`nix.linux-builder.` at a module's top level).
 */
import { CompletionItemKind, MarkupKind, type CompletionItem, type Position } from 'vscode-languageserver';
import type { OpenDocument } from './openDocument.js';
import {
  BUILDER_CONFIG_PATH,
  BUILDER_VM_PATH,
  BUILD_MACHINE_ENTRY_PATH,
  LINUX_BUILDER_PATH,
  NIXOS_TOP_LEVEL,
  childOptions,
  samePath,
  startsWith,
} from '../schema/index.js';
import type { Located, Span } from '../nix/model.js';
import { optionMarkdown } from './optionDocs.js';

const isNameChar = (ch: string): boolean => /[A-Za-z0-9_'-]/.test(ch);

/**
 * The attribute path being typed where a binding can start: `nix.linux-builder.pro` -> segments
 * ['nix', 'linux-builder'] and partial 'pro'. Undefined where an option name cannot go (after
 * `=`, inside a value), so values never get option names offered.
 */
export function typedAttrPath(lineBefore: string): { segments: string[]; partial: string } | undefined {
  let start = lineBefore.length;
  while (start > 0 && (isNameChar(lineBefore[start - 1] ?? '') || lineBefore[start - 1] === '.')) start--;
  const word = lineBefore.slice(start);
  const preceding = lineBefore.slice(0, start).trimEnd();
  const last = preceding[preceding.length - 1];
  if (preceding !== '' && last !== '{' && last !== ';') return undefined;
  if (/^[0-9'-]/.test(word) || word.startsWith('.') || word.includes('..')) return undefined;
  const parts = word.split('.');
  const partial = parts.pop() ?? '';
  return { segments: parts, partial };
}

/** The option path of the innermost attribute set (or module body) strictly around `offset`. */
export function enclosingSetPath(located: Located, offset: number): string[] | undefined {
  let best: { path: string[]; span: Span } | undefined;
  const consider = (path: string[], span: Span): void => {
    if (!(span.from < offset && offset < span.to)) return;
    if (!best || span.to - span.from < best.span.to - best.span.from) best = { path, span };
  };
  for (const set of located.attrsets) consider(set.path, set.span);
  for (const module of located.modules) consider(module.prefix, module.body);
  return best?.path;
}

/** The option sets we document, as paths: their names are offered on the way down to them. */
const DOCUMENTED_SETS: readonly (readonly string[])[] = [
  LINUX_BUILDER_PATH,
  BUILD_MACHINE_ENTRY_PATH,
  BUILDER_VM_PATH,
];

/**
 * Names of attribute sets below `path` that lead to documented options (`nix` at the top,
 * `virtualisation` under the VM's config), and the NixOS top-level namespaces directly under
 * `nix.linux-builder.config`, which is a NixOS module.
 */
export function namespaceNames(path: readonly string[]): string[] {
  const names = new Set<string>();
  for (const set of DOCUMENTED_SETS) {
    const next = set[path.length];
    if (set.length > path.length && startsWith(set, path) && next !== undefined && next !== '*')
      names.add(next);
  }
  if (samePath(path, BUILDER_CONFIG_PATH)) for (const name of NIXOS_TOP_LEVEL) names.add(name);
  return [...names].sort();
}

export function completionsAt(
  document: OpenDocument,
  located: Located,
  position: Position,
): CompletionItem[] {
  const offset = document.offsetAt(position);
  const lineBefore = document.getText({ start: { line: position.line, character: 0 }, end: position });
  const typed = typedAttrPath(lineBefore);
  if (!typed) return [];
  const base = enclosingSetPath(located, offset);
  if (!base) return [];
  const replace = {
    start: { line: position.line, character: position.character - typed.partial.length },
    end: position,
  };
  const path = [...base, ...typed.segments];
  const options = childOptions(path);
  const optionNames = new Set(options.map((o) => o.path[o.path.length - 1]));
  const namespaces = namespaceNames(path)
    .filter((name) => !optionNames.has(name))
    .map((name, i): CompletionItem => ({
      label: name,
      kind: CompletionItemKind.Module,
      detail: 'option set',
      sortText: `1${String(i).padStart(4, '0')}`,
      textEdit: { range: replace, newText: name },
    }));
  return [
    ...options.map((doc, i): CompletionItem => {
      const name = doc.path[doc.path.length - 1] ?? '';
      return {
        label: name,
        kind: CompletionItemKind.Property,
        detail: doc.type,
        documentation: { kind: MarkupKind.Markdown, value: optionMarkdown(doc, { withName: true }) },
        sortText: `0${String(i).padStart(4, '0')}`,
        textEdit: { range: replace, newText: name },
      };
    }),
    ...namespaces,
  ];
}
