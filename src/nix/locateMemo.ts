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
  /** Where the subtree started when this was recorded. */
  from: number;
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
  /** Where the sets read as module bodies start (locate reads each set as a module once). */
  bodies: number[];
}

/** Where the replayed objects go, and what replaces the recorded scope's own parts. */
export interface ReplayTarget {
  definitions: OptionDefinition[];
  attrsets: AttrSetInfo[];
  lists: ListInfo[];
  modules: ModuleInfo[];
  imports: ModuleImport[];
  /** The module bodies read so far, as a set and in order. */
  bodies: Set<number>;
  bodyLog: number[];
  module: ModuleInfo;
  outerSpans: readonly Span[];
  outerEntry: Span | undefined;
}

const shift = (span: Span, by: number): Span => ({ from: span.from + by, to: span.to + by });

function shiftValue(value: StaticValue, by: number): StaticValue {
  if (value.kind === 'list')
    return { kind: 'list', items: value.items.map((v) => shiftValue(v, by)), span: shift(value.span, by) };
  return { ...value, span: shift(value.span, by) };
}

/** A recorded module moved by `by`, in the target's module (its system and NixOS-ness are the outer module's). */
function shiftModule(m: ModuleInfo, by: number, outer: ModuleInfo, target: ModuleInfo): ModuleInfo {
  const copy: ModuleInfo = {
    span: shift(m.span, by),
    body: shift(m.body, by),
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
  const moved = new Map<ModuleInfo, ModuleInfo>();
  recording.modules.forEach((m, i) => {
    const copy = modules[i];
    if (copy && copy !== m) moved.set(m, copy);
  });
  // Everything recorded belongs to the outer module or to one found inside the subtree.
  const moduleOf = (m: ModuleInfo): ModuleInfo =>
    m === recording.outerModule ? target.module : (moved.get(m) ?? m);
  const kept = (m: ModuleInfo): boolean => unmoved && m !== recording.outerModule && !moved.has(m);
  const definitions = recording.definitions.map((d): OptionDefinition => {
    if (kept(d.module)) return d;
    const copy: OptionDefinition = {
      path: d.path,
      pathSpans: d.pathSpans.map((s, i) => (i < outer ? (target.outerSpans[i] ?? s) : shift(s, by))),
      ownLength: d.ownLength,
      nameSpan: shift(d.nameSpan, by),
      bindingSpan: shift(d.bindingSpan, by),
      module: moduleOf(d.module),
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
  const attrsets = recording.attrsets.map((a): AttrSetInfo => {
    if (kept(a.module)) return a;
    const copy: AttrSetInfo = {
      path: a.path,
      span: shift(a.span, by),
      innerIndent: a.innerIndent,
      module: moduleOf(a.module),
    };
    const entrySpan = entry(a.entrySpan);
    if (entrySpan) copy.entrySpan = entrySpan;
    return copy;
  });
  const lists = recording.lists.map((l): ListInfo =>
    kept(l.module)
      ? l
      : {
          path: l.path,
          span: shift(l.span, by),
          innerIndent: l.innerIndent,
          module: moduleOf(l.module),
        },
  );

  const imports = recording.imports.map((i): ModuleImport =>
    kept(i.module)
      ? i
      : {
          path: i.path,
          span: shift(i.span, by),
          module: moduleOf(i.module),
        },
  );
  const bodies = recording.bodies.map((b) => b + by);
  for (const d of definitions) target.definitions.push(d);
  for (const a of attrsets) target.attrsets.push(a);
  for (const l of lists) target.lists.push(l);
  for (const m of modules) target.modules.push(m);
  for (const i of imports) target.imports.push(i);
  for (const b of bodies) {
    target.bodies.add(b);
    target.bodyLog.push(b);
  }
  return {
    from,
    outerModule: target.module,
    outerSpans: target.outerSpans,
    outerEntry: target.outerEntry,
    definitions,
    attrsets,
    lists,
    modules,
    imports,
    bodies,
  };
}
