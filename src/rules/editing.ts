/**
 * Edits the rules share: add a definition at an option path in the right place of a module,
 * wherever the file already spells part of that path.
 */
import type { AttrSetInfo, ModuleInfo, OptionDefinition } from '../nix/model.js';
import { insertIntoSet, nixAttrPath, removeBinding, type OffsetEdit } from '../nix/print.js';
import type { RuleContext } from './rule.js';

function isPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

function inside(module: ModuleInfo, set: AttrSetInfo): boolean {
  return set.span.from >= module.span.from && set.span.to <= module.span.to;
}

/**
 * Adds `path = value;` within `module` (or a module nested in it, like the builder VM's `config`):
 * into the deepest attribute set that already stands for a prefix of `path` and is not a list
 * element, so `nix.linux-builder.protocol` goes into an existing `linux-builder = { … }` when there
 * is one, and is spelled out in full at the module's top level otherwise.
 */
export function addDefinition(ctx: RuleContext, module: ModuleInfo, path: readonly string[], value: string): OffsetEdit | undefined {
  if (path.includes('*')) return undefined;
  const candidates = ctx.located.attrsets
    .filter((s) => !s.entrySpan && isPrefix(s.path, path) && s.path.length < path.length && inside(module, s))
    .sort((a, b) => b.path.length - a.path.length || (a.span.to - a.span.from) - (b.span.to - b.span.from));
  const set = candidates[0];
  if (!set) return undefined;
  return insertIntoSet(ctx.text, set, path.slice(set.path.length), value);
}

/** The Nix text of a binding's value as written (`mkForce 4` stays `mkForce 4`). */
export function bindingValueText(text: string, def: OptionDefinition): string {
  const binding = text.slice(def.nameSpan.to, def.bindingSpan.to);
  const eq = binding.indexOf('=');
  const semi = binding.lastIndexOf(';');
  return binding.slice(eq + 1, semi < 0 ? undefined : semi).trim();
}

/**
 * Moves a definition to `target`: in place when the target shares the binding's enclosing set
 * (`hostPort = 1;` → `config.virtualisation.darwin-builder.hostPort = 1;`), or, when the builder's
 * `config` is a function module (where a dotted `config.…` would clash), into that module's body.
 */
export function moveDefinition(ctx: RuleContext, def: OptionDefinition, target: readonly string[]): OffsetEdit[] | undefined {
  const value = bindingValueText(ctx.text, def);
  const enclosing = def.path.slice(0, def.path.length - def.ownLength);
  const functionConfig = ctx.located.modules.some((m) => m.kind === 'builder-config' && m.formals);
  const intoConfig = target.length > 3 && target[2] === 'config' && target[1] === 'linux-builder';
  if (functionConfig && intoConfig) {
    const module = ctx.located.modules.find((m) => m.kind === 'builder-config' && m.formals);
    const add = module ? addDefinition(ctx, module, target, value) : undefined;
    return add ? [removeBinding(ctx.text, def.bindingSpan), add] : undefined;
  }
  if (!isPrefix(enclosing, target)) return undefined;
  return [{ from: def.bindingSpan.from, to: def.bindingSpan.to, newText: `${nixAttrPath(target.slice(enclosing.length))} = ${value};` }];
}
