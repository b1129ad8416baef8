/**
 * What locate found in one subtree (a balanced run of bindings or list elements, or one item kept
 * as its own Tree), kept across keystrokes by the subtree (treeMemo.ts) so that after an edit only
 * the subtrees the re-parse rebuilt are read again: the cost of a keystroke follows the edit, not
 * the file (issue 8, goal 1). A recording is replayed shifted to where the subtree now starts, with
 * the current module and the enclosing scope's own spans. The modules a subtree holds (inline
 * modules in an `imports` list, a builder VM's `config`) are recorded too, with what refers to them.
 */
import type {
  AttrSetInfo,
  ListInfo,
  ModuleImport,
  ModuleInfo,
  OptionDefinition,
  Span,
  StaticValue,
} from './model.js';

export interface Recording {
  /** Where the subtree started and ended when this was recorded. */
  from: number;
  to: number;
  /** The module being read around the subtree then: its place is taken by the target's. */
  outerModule: ModuleInfo;
  /** The enclosing scope's path spans and list entry at that time: kept as they are, not shifted. */
  outerSpans: readonly Span[];
  outerEntry: Span | undefined;
  definitions: OptionDefinition[];
  attrsets: AttrSetInfo[];
  lists: ListInfo[];
  /** Modules inside the subtree, in the order they were found. */
  modules: ModuleInfo[];
  imports: ModuleImport[];
  /** Where the sets read as module bodies start (locate reads each set as a module once); all
   *  within [from, to), which is what lets a replay hand them on as one range (ReplayedBodies). */
  bodies: number[];
  /**
   * Whose each definition, set, list and import is, by index into `modules` (or OUTER, OTHER): worked
   * out on the first replay and handed on, so later replays need no lookup per object.
   */
  owners?: Owners;
}

/** The module an object belongs to: the recorded outer module, or one the recording does not hold. */
const OUTER = -1;
const OTHER = -2;
interface Owners {
  definitions: Int32Array;
  attrsets: Int32Array;
  lists: Int32Array;
  imports: Int32Array;
}

/** The module bodies a replay added: its subtree's range, and where in it they start. */
export interface ReplayedBodies {
  from: number;
  to: number;
  bodies: readonly number[];
}

/** Where the replayed objects go, and what replaces the recorded scope's own parts. */
export interface ReplayTarget {
  definitions: OptionDefinition[];
  attrsets: AttrSetInfo[];
  lists: ListInfo[];
  modules: ModuleInfo[];
  imports: ModuleImport[];
  /** The module bodies replayed so far, by subtree (a set of every one would cost a keystroke in
   *  a file of many modules an insertion per module), and all bodies in order. */
  replayedBodies: ReplayedBodies[];
  bodyLog: number[];
  module: ModuleInfo;
  outerSpans: readonly Span[];
  outerEntry: Span | undefined;
}

const shift = (span: Span, by: number): Span => ({ from: span.from + by, to: span.to + by });

/**
 * A value moved by `by`. Each kind is built field by field: an object spread over the ten shapes a
 * value comes in is a slow generic copy in V8, and a keystroke before a long list of inline modules
 * moves every value after it.
 */
function shiftValue(value: StaticValue, by: number): StaticValue {
  const span = shift(value.span, by);
  switch (value.kind) {
    case 'list':
      return { kind: 'list', items: value.items.map((v) => shiftValue(v, by)), span };
    case 'string':
      return { kind: 'string', value: value.value, quote: value.quote, span };
    case 'int':
      return { kind: 'int', value: value.value, span };
    case 'float':
      return { kind: 'float', value: value.value, span };
    case 'bool':
      return { kind: 'bool', value: value.value, span };
    case 'path':
      return { kind: 'path', text: value.text, span };
    case 'other':
      return { kind: 'other', text: value.text, span };
    case 'null':
    case 'attrs':
    case 'function':
      return { kind: value.kind, span };
  }
}

/** A recorded module moved by `by`, in the target's module (its system and NixOS-ness are the outer module's). */
function shiftModule(m: ModuleInfo, by: number, outer: ModuleInfo, target: ModuleInfo): ModuleInfo {
  const span = shift(m.span, by);
  const copy: ModuleInfo = {
    span,
    // (A module that is a set is its own body: one span object for both, a third fewer to make.)
    body: m.body.from === m.span.from && m.body.to === m.span.to ? span : shift(m.body, by),
    prefix: m.prefix,
    kind: m.kind,
    withScopes: m.withScopes,
    explicitConfig: m.explicitConfig,
  };
  if (m.formals) copy.formals = { ...m.formals, span: shift(m.formals.span, by) };
  if (m.nixos) copy.nixos = m.nixos;
  const system = m.system === outer.system ? target.system : m.system;
  if (system) copy.system = system;
  return copy;
}

/**
 * Appends `items` to `target` with an index loop: a replay before a long list of inline modules
 * appends thousands, and `for...of` there allocated an iterator result per item (340 KiB per
 * keystroke in the many-module shape, sampling heap profile: replay is not always optimised).
 */
function appendAll<T>(target: T[], items: readonly T[]): void {
  for (let i = 0; i < items.length; i++) target.push(items[i] as T);
}

function ownersOf(recording: Recording): Owners {
  const index = new Map<ModuleInfo, number>();
  recording.modules.forEach((m, i) => index.set(m, i));
  const owner = (item: { module: ModuleInfo }): number =>
    item.module === recording.outerModule ? OUTER : (index.get(item.module) ?? OTHER);
  return {
    definitions: Int32Array.from(recording.definitions, owner),
    attrsets: Int32Array.from(recording.attrsets, owner),
    lists: Int32Array.from(recording.lists, owner),
    imports: Int32Array.from(recording.imports, owner),
  };
}

/**
 * Appends the recorded objects to `target`, shifted by the distance the subtree moved, and returns
 * the recording of what was appended (the new objects, so the memo and the result share them).
 */
export function replay(recording: Recording, from: number, target: ReplayTarget): Recording {
  const by = from - recording.from;
  const outer = recording.outerSpans.length;
  const entry = (span: Span | undefined): Span | undefined =>
    span === undefined ? undefined : span === recording.outerEntry ? target.outerEntry : shift(span, by);
  // Not moved, and nothing of the enclosing scope to put in: what refers to nothing outside the
  // subtree is the recorded object itself (a keystroke in a long list of inline modules then
  // copies the modules after it, not all of them).
  const unmoved = by === 0 && outer === 0 && !recording.outerEntry && !target.outerEntry;
  const sameSystem = recording.outerModule.system === target.module.system;
  const modules = recording.modules.map((m) =>
    unmoved && (sameSystem || m.system === undefined)
      ? m
      : shiftModule(m, by, recording.outerModule, target.module),
  );
  const owners = recording.owners ?? ownersOf(recording);
  // Everything recorded belongs to the outer module or to one found inside the subtree.
  const moduleOf = (owner: number, m: ModuleInfo): ModuleInfo =>
    owner === OUTER ? target.module : owner === OTHER ? m : (modules[owner] ?? m);
  const kept = (owner: number): boolean =>
    unmoved && owner !== OUTER && (owner === OTHER || modules[owner] === recording.modules[owner]);
  // Each recorded object is kept as it is or copied, moved and given its module in the target.
  const each = <T>(items: readonly T[], owned: Int32Array, copy: (item: T, owner: number) => T): T[] =>
    items.map((item, i) => {
      const owner = owned[i] ?? OTHER;
      return kept(owner) ? item : copy(item, owner);
    });
  const definitions = each(recording.definitions, owners.definitions, (d, owner): OptionDefinition => {
    const copy: OptionDefinition = {
      path: d.path,
      pathSpans: d.pathSpans.map((s, i) => (i < outer ? (target.outerSpans[i] ?? s) : shift(s, by))),
      ownLength: d.ownLength,
      nameSpan: shift(d.nameSpan, by),
      bindingSpan: shift(d.bindingSpan, by),
      module: moduleOf(owner, d.module),
      value: shiftValue(d.value, by),
      conditional: d.conditional,
      priority: d.priority,
    };
    if (d.inherited) copy.inherited = d.inherited;
    const entrySpan = entry(d.entrySpan);
    if (entrySpan) copy.entrySpan = entrySpan;
    if (d.implied !== undefined) copy.implied = d.implied;
    return copy;
  });
  const attrsets = each(recording.attrsets, owners.attrsets, (a, owner): AttrSetInfo => {
    // A module's body set has the module's body span: the copy shares the moved module's.
    const recorded = owner >= 0 ? recording.modules[owner] : undefined;
    const moved = owner >= 0 ? modules[owner] : undefined;
    const span =
      recorded &&
      moved &&
      moved !== recorded &&
      a.span.from === recorded.body.from &&
      a.span.to === recorded.body.to
        ? moved.body
        : shift(a.span, by);
    const copy: AttrSetInfo = {
      path: a.path,
      span,
      innerIndent: a.innerIndent,
      module: moduleOf(owner, a.module),
    };
    const entrySpan = entry(a.entrySpan);
    if (entrySpan) copy.entrySpan = entrySpan;
    return copy;
  });
  const lists = each(recording.lists, owners.lists, (l, owner): ListInfo => ({
    path: l.path,
    span: shift(l.span, by),
    innerIndent: l.innerIndent,
    module: moduleOf(owner, l.module),
  }));
  const imports = each(recording.imports, owners.imports, (imported, owner): ModuleImport => ({
    path: imported.path,
    span: shift(imported.span, by),
    module: moduleOf(owner, imported.module),
  }));
  const bodies = by === 0 ? recording.bodies : recording.bodies.map((b) => b + by);
  appendAll(target.definitions, definitions);
  appendAll(target.attrsets, attrsets);
  appendAll(target.lists, lists);
  appendAll(target.modules, modules);
  appendAll(target.imports, imports);
  if (bodies.length > 0) target.replayedBodies.push({ from, to: recording.to + by, bodies });
  appendAll(target.bodyLog, bodies);
  return {
    from,
    to: recording.to + by,
    outerModule: target.module,
    outerSpans: target.outerSpans,
    outerEntry: target.outerEntry,
    definitions,
    attrsets,
    lists,
    modules,
    imports,
    bodies,
    owners,
  };
}
