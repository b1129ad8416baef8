/**
 * Edits the rules share: add a definition at an option path in the right place of a module,
 * wherever the file already spells part of that path.
 */
import type { AttrSetInfo, ModuleInfo, OptionDefinition } from '../nix/model.js';
import { insertIntoSet, nixAttrPath, removeBinding, type OffsetEdit } from '../nix/print.js';
import { darwinModuleOf, definitionsAt, type RuleContext } from './rule.js';

function isPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

function inside(module: ModuleInfo, set: AttrSetInfo): boolean {
  return set.span.from >= module.span.from && set.span.to <= module.span.to;
}

/**
 * Whether a set belongs to `module` itself or to the builder VM's `config` module inside it. A set
 * of another module nested in its text (an inline `imports` element, or a NixOS module of a
 * `nixosSystem` call in a `let`) is not: a definition added there does not reach this module's
 * configuration (a host-key pin in the VM's NixOS module leaves the Mac without one).
 */
function ownedBy(module: ModuleInfo, set: AttrSetInfo): boolean {
  if (!inside(module, set)) return false;
  return set.module === module || (set.module.kind === 'builder-config' && !set.module.nixos && module.prefix.length === 0);
}

/**
 * The deepest attribute set in `module` (or the builder VM's `config` module in it) that already
 * stands for a prefix of `path` and is not a list element.
 */
export function deepestSetFor(ctx: RuleContext, module: ModuleInfo, path: readonly string[]): AttrSetInfo | undefined {
  if (path.includes('*')) return undefined;
  return ctx.located.attrsets
    .filter((s) => !s.entrySpan && isPrefix(s.path, path) && s.path.length < path.length && ownedBy(module, s))
    .sort((a, b) => b.path.length - a.path.length || (a.span.to - a.span.from) - (b.span.to - b.span.from))[0];
}

/**
 * Adds `path = value;` into the deepest set that already spells a prefix of `path`, so
 * `nix.linux-builder.protocol` goes into an existing `linux-builder = { … }` when there is one, and
 * is spelled out in full at the module's top level otherwise.
 */
export function addDefinition(ctx: RuleContext, module: ModuleInfo, path: readonly string[], value: string): OffsetEdit | undefined {
  const set = deepestSetFor(ctx, module, path);
  return set ? insertIntoSet(ctx.text, set, path.slice(set.path.length), value) : undefined;
}

/** The Nix text of a binding's value as written (`mkForce 4` stays `mkForce 4`). */
export function bindingValueText(text: string, def: OptionDefinition): string {
  const binding = text.slice(def.nameSpan.to, def.bindingSpan.to);
  const eq = binding.indexOf('=');
  const semi = binding.lastIndexOf(';');
  return binding.slice(eq + 1, semi < 0 ? undefined : semi).trim();
}

export interface Move {
  edits: OffsetEdit[];
  /** The target was already defined: the move only removes the misplaced binding. */
  alreadySet: boolean;
}

const overlaps = (a: OffsetEdit, b: OffsetEdit) => a.from <= b.to && b.from <= a.to;

/**
 * Moves a definition to `target` (with its value, or `value` when given). When the file already
 * has a set for part of the target (`config = { … }`, or `config` as a function module), the
 * binding goes in there: a dotted `config.…` next to such a set clashes in Nix ("attribute
 * 'virtualisation' already defined" when the dotted one comes first). Otherwise it is rewritten in
 * place (`hostPort = 1;` → `config.virtualisation.darwin-builder.hostPort = 1;`).
 */
export function moveDefinition(ctx: RuleContext, def: OptionDefinition, target: readonly string[], value?: string): Move | undefined {
  const remove = removeBinding(ctx.text, def.bindingSpan);
  if (definitionsAt(ctx, target).length > 0) return { edits: [remove], alreadySet: true };
  const text = value ?? bindingValueText(ctx.text, def);
  const enclosing = def.path.slice(0, def.path.length - def.ownLength);
  const set = deepestSetFor(ctx, darwinModuleOf(ctx, def), target);
  if (set && set.path.length > enclosing.length) {
    const add = insertIntoSet(ctx.text, set, target.slice(set.path.length), text);
    if (!overlaps(add, remove)) return { edits: [remove, add], alreadySet: false };
  }
  if (!isPrefix(enclosing, target)) return undefined;
  return { edits: [{ from: def.bindingSpan.from, to: def.bindingSpan.to, newText: `${nixAttrPath(target.slice(enclosing.length))} = ${text};` }], alreadySet: false };
}
