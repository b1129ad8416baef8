/**
 * Edits the rules share: add a definition at an option path in the right place of a module,
 * wherever the file already spells part of that path.
 */
import { charAt, type SourceText } from '../nix/sourceText.js';
import { EditChain } from '../nix/editChain.js';
import { samePath, startsWith } from '../schema/index.js';
import type { AttrSetInfo, ModuleInfo, OptionDefinition } from '../nix/model.js';
import { insertIntoSet, nixAttrPath, removeBinding, type OffsetEdit } from '../nix/print.js';
import { darwinModuleOf, definitionsAt, type RuleContext } from './rule.js';

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
  return (
    set.module === module ||
    (set.module.kind === 'builder-config' && !set.module.nixos && module.prefix.length === 0)
  );
}

/**
 * The deepest attribute set in `module` (or the builder VM's `config` module in it) that already
 * stands for a prefix of `path` and is not a list element.
 */
export function deepestSetFor(
  ctx: RuleContext,
  module: ModuleInfo,
  path: readonly string[],
): AttrSetInfo | undefined {
  if (path.includes('*')) return undefined;
  return ctx.located.attrsets
    .filter(
      (s) => !s.entrySpan && startsWith(path, s.path) && s.path.length < path.length && ownedBy(module, s),
    )
    .sort((a, b) => b.path.length - a.path.length || a.span.to - a.span.from - (b.span.to - b.span.from))[0];
}

/**
 * Adds `path = value;` into the deepest set that already spells a prefix of `path`, so
 * `nix.linux-builder.protocol` goes into an existing `linux-builder = { … }` when there is one, and
 * is spelled out in full at the module's top level otherwise.
 */
export function addDefinition(
  ctx: RuleContext,
  module: ModuleInfo,
  path: readonly string[],
  value: string,
): OffsetEdit | undefined {
  const set = deepestSetFor(ctx, module, path);
  return set ? insertIntoSet(ctx.text, set, path.slice(set.path.length), value) : undefined;
}

/**
 * `addDefinition` as the next step of a fix: the set is found in the original file and the
 * binding is inserted into the text the chain's earlier edits left (a set that just lost its last
 * binding is empty now). False when there is no such set or an earlier edit rewrote it.
 */
export function addDefinitionAfter(
  chain: EditChain,
  ctx: RuleContext,
  module: ModuleInfo,
  path: readonly string[],
  value: string,
): boolean {
  const set = deepestSetFor(ctx, module, path);
  const span = set && chain.mapSpan(set.span);
  if (!set || !span) return false;
  chain.add(insertIntoSet(chain.text, { ...set, span }, path.slice(set.path.length), value));
  return true;
}

/**
 * Removes one definition: its binding, or for one name of `inherit (cfg) maxJobs systems;` just
 * that name (the whole inherit only when it names nothing else).
 */
export function removeDefinition(text: SourceText, def: OptionDefinition): OffsetEdit {
  if (!def.inherited) return removeBinding(text, def.bindingSpan);
  const before = text.slice(def.bindingSpan.from, def.nameSpan.from);
  const after = text.slice(def.nameSpan.to, def.bindingSpan.to);
  if (/^inherit\s*(\([\s\S]*\))?\s*$/.test(before) && after.trim() === ';')
    return removeBinding(text, def.bindingSpan);
  let from = def.nameSpan.from;
  while (from > def.bindingSpan.from && /[ \t\r\n]/.test(charAt(text, from - 1))) from--;
  return { from, to: def.nameSpan.to, newText: '' };
}

/** A chain that starts by removing a definition (`removeDefinition`). */
export function removalChain(text: SourceText, def: OptionDefinition): EditChain {
  const chain = new EditChain(text);
  chain.add(removeDefinition(text, def));
  return chain;
}

/** The Nix text of a binding's value as written (`mkForce 4` stays `mkForce 4`). */
export function bindingValueText(text: SourceText, def: OptionDefinition): string {
  const binding = text.slice(def.nameSpan.to, def.bindingSpan.to);
  const eq = binding.indexOf('=');
  const semi = binding.lastIndexOf(';');
  return binding.slice(eq + 1, semi < 0 ? undefined : semi).trim();
}

/**
 * Whether the binding's value is written as a set literal (`a = { … };`), the one kind of value Nix's
 * parser merges with other bindings of the same name (src/libexpr/parser.y `addAttr`; ../nix/duplicates.ts).
 * `def.value` is the value after unwrapping mkMerge/mkIf: `a = mkMerge [ { … } ];` is a set to the
 * module system but a call to the parser, and `a.b = …;` beside it is "attribute 'a' already defined".
 */
function writtenAsSet(text: SourceText, def: OptionDefinition): boolean {
  if (def.value.kind !== 'attrs' || def.inherited) return false;
  // The set is the whole value between `=` and `;` (bindingValueText), read by offsets: `other`
  // may be a whole `nix = { … }`, and this runs for every definition that shares a path.
  const { from, to } = def.value.span;
  const eq = text.indexOf('=', def.nameSpan.to);
  const semi = text.lastIndexOf(';', def.bindingSpan.to - 1);
  return eq >= 0 && eq < from && semi >= to && onlySpace(text, eq + 1, from) && onlySpace(text, to, semi);
}

function onlySpace(text: SourceText, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}

/** `prefix` leads to `path` and is shorter: `path` is inside it. */
const strictPrefix = (prefix: readonly string[], path: readonly string[]) =>
  prefix.length < path.length && startsWith(path, prefix);

/**
 * Whether giving `moved` definitions their new paths would make Nix refuse the file: a path
 * defined twice, or a value where other bindings make a set ("attribute 'linux-builder' already
 * defined" for `nix.linux-builder = true;` next to `nix.linux-builder.enable`). Two literal sets
 * at one path merge (Nix's parser, src/libexpr/parser.y `addAttr`). Every other definition of
 * the file counts, even from another module, so this errs on the side of offering no fix.
 * `writtenFrom`: how many leading names of the new paths are not written out, because the binding
 * goes inside a set for them (any value there, a module function too, is then its container).
 */
export function wouldClash(
  ctx: RuleContext,
  moved: readonly { def: OptionDefinition; path: readonly string[] }[],
  writtenFrom: number,
): boolean {
  const movedDefs = new Set(moved.map((m) => m.def));
  for (const other of ctx.located.definitions) {
    if (movedDefs.has(other)) continue;
    for (const { def, path } of moved) {
      // Fields of two different list elements (`nix.buildMachines = [ { … } { … } ]`) never meet.
      if (def.entrySpan?.from !== other.entrySpan?.from) continue;
      // A binding whose value holds the moved one (`config = { pkgs, ... }: { … }`) is its container.
      if (other.bindingSpan.from <= def.bindingSpan.from && def.bindingSpan.to <= other.bindingSpan.to)
        continue;
      if (samePath(path, other.path) && !(writtenAsSet(ctx.text, def) && writtenAsSet(ctx.text, other)))
        return true;
      if (strictPrefix(path, other.path) && !writtenAsSet(ctx.text, def)) return true;
      if (strictPrefix(other.path, path) && other.path.length > writtenFrom && !writtenAsSet(ctx.text, other))
        return true;
    }
  }
  return false;
}

/** `def` and the definitions inside its value, with `def.path` replaced by `target` in theirs. */
function movedWith(
  ctx: RuleContext,
  def: OptionDefinition,
  target: readonly string[],
): { def: OptionDefinition; path: string[] }[] {
  return ctx.located.definitions
    .filter(
      (d) =>
        d === def ||
        (strictPrefix(def.path, d.path) &&
          d.bindingSpan.from >= def.bindingSpan.from &&
          d.bindingSpan.to <= def.bindingSpan.to),
    )
    .map((d) => ({ def: d, path: [...target, ...d.path.slice(def.path.length)] }));
}

function clashes(
  ctx: RuleContext,
  def: OptionDefinition,
  target: readonly string[],
  writtenFrom: number,
): boolean {
  return wouldClash(ctx, movedWith(ctx, def, target), writtenFrom);
}

export interface Move {
  edits: OffsetEdit[];
  /** The target was already defined: the move only removes the misplaced binding. */
  alreadySet: boolean;
}

/**
 * Moves a definition to `target` (with its value, or `value` when given). When the file already
 * has a set for part of the target (`config = { … }`, or `config` as a function module), the
 * binding goes in there: a dotted `config.…` next to such a set clashes in Nix ("attribute
 * 'virtualisation' already defined" when the dotted one comes first). Otherwise it is rewritten in
 * place (`hostPort = 1;` → `config.virtualisation.darwin-builder.hostPort = 1;`).
 */
export function moveDefinition(
  ctx: RuleContext,
  def: OptionDefinition,
  target: readonly string[],
  value?: string,
): Move | undefined {
  const remove = removeDefinition(ctx.text, def);
  if (definitionsAt(ctx, target).length > 0) return { edits: [remove], alreadySet: true };
  // `inherit (cfg) x;` has no value text to move, and its name means something in its own scope.
  if (def.inherited) return undefined;
  const text = value ?? bindingValueText(ctx.text, def);
  const enclosing = def.path.slice(0, def.path.length - def.ownLength);
  const set = deepestSetFor(ctx, darwinModuleOf(ctx, def), target);
  if (set && set.path.length > enclosing.length && !clashes(ctx, def, target, set.path.length)) {
    const chain = removalChain(ctx.text, def);
    if (addDefinitionAfter(chain, ctx, darwinModuleOf(ctx, def), target, text))
      return { edits: chain.edits, alreadySet: false };
  }
  if (!startsWith(target, enclosing) || clashes(ctx, def, target, enclosing.length)) return undefined;
  return {
    edits: [
      {
        from: def.bindingSpan.from,
        to: def.bindingSpan.to,
        newText: `${nixAttrPath(target.slice(enclosing.length))} = ${text};`,
      },
    ],
    alreadySet: false,
  };
}
