/**
 * What locate found in one subtree (a balanced run of bindings, or one binding kept as its own
 * Tree), kept across keystrokes by the subtree (treeMemo.ts) so that after an edit only the
 * subtrees the re-parse rebuilt are read again: the cost of a keystroke follows the edit, not the
 * file (issue 8, goal 1). A recording is replayed shifted to where the subtree now starts, with
 * the current module and the enclosing scope's own spans.
 */
import type { AttrSetInfo, ListInfo, ModuleInfo, OptionDefinition, Span, StaticValue } from './model.js';

export interface Recording {
  /** Where the subtree started when this was recorded. */
  from: number;
  /** The enclosing scope's path spans and list entry at that time: kept as they are, not shifted. */
  outerSpans: readonly Span[];
  outerEntry: Span | undefined;
  definitions: OptionDefinition[];
  attrsets: AttrSetInfo[];
  lists: ListInfo[];
}

/** Where the replayed objects go, and what replaces the recorded scope's own parts. */
export interface ReplayTarget {
  definitions: OptionDefinition[];
  attrsets: AttrSetInfo[];
  lists: ListInfo[];
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

/**
 * Appends the recorded objects to `target`, shifted by the distance the subtree moved, and returns
 * the recording of what was appended (the new objects, so the memo and the result share them).
 */
export function replay(recording: Recording, from: number, target: ReplayTarget): Recording {
  const by = from - recording.from;
  const outer = recording.outerSpans.length;
  const entry = (span: Span | undefined): Span | undefined =>
    span === undefined ? undefined : span === recording.outerEntry ? target.outerEntry : shift(span, by);
  const definitions = recording.definitions.map((d): OptionDefinition => {
    const copy: OptionDefinition = {
      path: d.path,
      pathSpans: d.pathSpans.map((s, i) => (i < outer ? (target.outerSpans[i] ?? s) : shift(s, by))),
      ownLength: d.ownLength,
      nameSpan: shift(d.nameSpan, by),
      bindingSpan: shift(d.bindingSpan, by),
      module: target.module,
      value: shiftValue(d.value, by),
      conditional: d.conditional,
      priority: d.priority,
    };
    if (d.inherited) copy.inherited = d.inherited;
    const entrySpan = entry(d.entrySpan);
    if (entrySpan) copy.entrySpan = entrySpan;
    return copy;
  });
  const attrsets = recording.attrsets.map((a): AttrSetInfo => {
    const copy: AttrSetInfo = {
      path: a.path,
      span: shift(a.span, by),
      innerIndent: a.innerIndent,
      module: target.module,
    };
    const entrySpan = entry(a.entrySpan);
    if (entrySpan) copy.entrySpan = entrySpan;
    return copy;
  });
  const lists = recording.lists.map((l): ListInfo => ({
    path: l.path,
    span: shift(l.span, by),
    innerIndent: l.innerIndent,
    module: target.module,
  }));
  for (const d of definitions) target.definitions.push(d);
  for (const a of attrsets) target.attrsets.push(a);
  for (const l of lists) target.lists.push(l);
  return { from, outerSpans: target.outerSpans, outerEntry: target.outerEntry, definitions, attrsets, lists };
}
