/**
 * What a rule is: an id and a check over one located file that returns findings in offsets.
 * Each rule owns its fixes. The engine (analyze.ts) converts offsets to LSP positions.
 */
import type { SourceText } from '../nix/sourceText.js';
import type { RuleId, Severity } from '../protocol/findings.js';
import type { ListInfo, Located, ModuleInfo, OptionDefinition, Span } from '../nix/model.js';
import type { OffsetEdit } from '../nix/print.js';
import { samePath, startsWith } from '../schema/index.js';

export interface OffsetFix {
  /** Plain text, at most 70 characters: what the fix does (the reasoning is in the finding's detail). */
  title: string;
  isPreferred: boolean;
  edits: OffsetEdit[];
}

/** Another definition the finding depends on (LSP `relatedInformation`, `related` in JSON). */
export interface RelatedDefinition {
  /** Absent: this file. Otherwise the other file of the configuration (as `Elsewhere.fileOf` names it). */
  file?: string;
  span: Span;
  message: string;
}

export interface RuleFinding {
  span: Span;
  severity: Severity;
  /** One plain-text sentence, at most 120 characters, problem first (test/unit/rules/messageStyle.test.ts). */
  message: string;
  /** The reasoning, plain text: shown by the hover and `check`'s text output (`Finding.detail`). */
  detail?: string;
  fixes: OffsetFix[];
  related?: RelatedDefinition[];
}

export interface RuleContext {
  text: SourceText;
  /**
   * What the rules read of the file: the definitions at the option paths rules declare in `reads`
   * (`ruleRelevance` 'all'), the attribute sets and lists on the way to them, and every module.
   * A rule that starts reading other option paths must declare them (the parity test's "reads"
   * check runs each rule with only its own paths located and catches one that did not).
   */
  located: Located;
  /**
   * What other files of the same configuration define (a `check` of several files): for rules whose
   * verdict depends on an option set in another module. Existence only: findings and fixes are
   * always about this file.
   */
  elsewhere?: Elsewhere | undefined;
}

/**
 * What the other files of one configuration define, indexed by option path (built once per
 * configuration by the workspace layer, see `FactsIndex`): a lookup costs what lies at the path,
 * not what the whole configuration defines.
 */
export interface Elsewhere {
  /** Definitions at exactly `path` in the other files. */
  definitionsAt(path: readonly string[]): readonly OptionDefinition[];
  /** Option-valued lists at exactly `path` in the other files. */
  listsAt(path: readonly string[]): readonly ListInfo[];
  /** The file a definition returned by `definitionsAt` comes from (for related information). */
  fileOf(def: OptionDefinition): string | undefined;
  /** The text of such a file, to place related information in it (optional: without it, related
   *  information in other files is left out). */
  textOf?(file: string): SourceText | undefined;
}

/** Definitions at exactly `path` in the other files of the configuration. */
export function definitionsElsewhere(ctx: RuleContext, path: readonly string[]): OptionDefinition[] {
  return [...(ctx.elsewhere?.definitionsAt(path) ?? [])];
}

/** Whether `path` is defined in this file or in another file of the configuration. */
export function definedAnywhere(ctx: RuleContext, path: readonly string[]): boolean {
  return definitionsAt(ctx, path).length > 0 || (ctx.elsewhere?.definitionsAt(path).length ?? 0) > 0;
}

/** A literal `true`/`false` at `path` in another file of the configuration. */
export function boolElsewhere(
  ctx: RuleContext,
  path: readonly string[],
  wanted: boolean,
): OptionDefinition | undefined {
  return ctx.elsewhere?.definitionsAt(path).find((d) => d.value.kind === 'bool' && d.value.value === wanted);
}

/**
 * Where a definition is, for a finding's related information: in this file, or in the other file
 * of the configuration that holds it (a definition from `definitionsElsewhere`).
 */
export function relatedTo(ctx: RuleContext, def: OptionDefinition, message: string): RelatedDefinition {
  const here = ctx.located.definitions.includes(def);
  const file = here ? undefined : ctx.elsewhere?.fileOf?.(def);
  // The binding's own attribute path (`nix.enable` of `nix.enable = false;`), or the import that implies it.
  const start = def.pathSpans[def.path.length - def.ownLength];
  const span = def.implied ? def.value.span : { from: start?.from ?? def.nameSpan.from, to: def.nameSpan.to };
  return file === undefined ? { span, message } : { file, span, message };
}

/** Option-valued lists at `path`, here or in another file of the configuration. */
export function listsAnywhere(ctx: RuleContext, path: readonly string[]): ListInfo[] {
  const here = ctx.located.lists.filter((l) => samePath(l.path, path));
  return [...here, ...(ctx.elsewhere?.listsAt(path) ?? [])];
}

/**
 * An option path pattern: one name per level, `*` for any one name. It covers the path it names and
 * everything below it: `['nix']` is every `nix.*` option, `['*', 'buildMachines']` any `X.buildMachines`.
 */
export type OptionPattern = readonly string[];

/**
 * What locate must keep for rules that read `patterns`: `all` for a path a pattern covers, `some` for a
 * path on the way to one (a set to descend into or insert in), `none` otherwise. The rules' filter
 * (`ruleRelevance` in registry.ts) is this over every rule's `reads`.
 */
export function relevanceOf(
  patterns: readonly OptionPattern[],
): (path: readonly string[]) => 'all' | 'some' | 'none' {
  const distinct = [...new Map(patterns.map((p) => [p.join('\0'), p])).values()];
  return (path) => {
    let onTheWay = false;
    for (const pattern of distinct) {
      const shared = Math.min(pattern.length, path.length);
      let i = 0;
      while (i < shared && (pattern[i] === '*' || pattern[i] === path[i])) i++;
      if (i < shared) continue;
      if (path.length >= pattern.length) return 'all';
      onTheWay = true;
    }
    return onTheWay ? 'some' : 'none';
  };
}

/**
 * A rule declares what the rest of the project derives from it: the registry's `RULE_IDS` (the
 * diagnostic codes, also the setting `rules.disabled` in package.json), the option paths locate keeps
 * for the rules (`ruleRelevance`), its page, and its rows in the rule tables.
 * The parity test (test/unit/rules/parity.test.ts) checks the declarations against `check`.
 */
export interface Rule {
  /** The diagnostic code; stable, never renamed. */
  id: RuleId;
  /** The severity of its findings. */
  severity: Severity;
  /**
   * The option paths `check` reads, with the helpers it calls, in this file and in the rest of the
   * configuration (`elsewhere`). A definition outside them is not located for the rules.
   * Every finding is anchored at a definition of this file that these cover (its span lies in
   * that binding, or, for a definition an import implies, in its value: the import): a file with
   * none gets no finding from the rule, and `check` does not run it there
   * (`AnalyzeOptions.onlyAnchoredRules`). The parity test holds each rule to both.
   */
  reads: readonly OptionPattern[];
  /** Its documentation page, `docs/rules/<id>.md` (the diagnostic links to it). */
  docs: string;
  /**
   * What it flags, in one line of Markdown: its row in the rule tables of README.md and
   * docs/rules/README.md, which scripts/build.mjs generates from this (src/cli/generatedDocs.ts).
   */
  summary: string;
  /**
   * Advice for a builder that has not worked yet: the rule is quiet once a health check or a test
   * build has shown the builder works (`AnalyzeOptions.builderWorks`).
   */
  untilBuilderWorks?: boolean;
  check(ctx: RuleContext): RuleFinding[];
}

/** Definitions at exactly `path`. */
export function definitionsAt(ctx: RuleContext, path: readonly string[]): OptionDefinition[] {
  return ctx.located.definitions.filter((d) => samePath(d.path, path));
}

/** Definitions strictly below `prefix`. */
export function definitionsUnder(ctx: RuleContext, prefix: readonly string[]): OptionDefinition[] {
  return ctx.located.definitions.filter((d) => d.path.length > prefix.length && startsWith(d.path, prefix));
}

/** The first definition that is literally `true` / `false` at `path`, unconditional ones first. */
export function boolAt(
  ctx: RuleContext,
  path: readonly string[],
  wanted: boolean,
): OptionDefinition | undefined {
  const hits = definitionsAt(ctx, path).filter((d) => d.value.kind === 'bool' && d.value.value === wanted);
  return hits.find((d) => !d.conditional) ?? hits[0];
}

/** The literal string of a definition, or undefined when it is not a plain string. */
export function stringValue(def: OptionDefinition): string | undefined {
  return def.value.kind === 'string' && def.value.value !== null ? def.value.value : undefined;
}

/** The literal strings of a list value (undefined if it is not a list of plain strings). */
export function stringList(def: OptionDefinition): string[] | undefined {
  if (def.value.kind !== 'list') return undefined;
  const out: string[] = [];
  for (const item of def.value.items) {
    if (item.kind !== 'string' || item.value === null) return undefined;
    out.push(item.value);
  }
  return out;
}

/** The nix-darwin module a definition belongs to (for the builder VM's module: the one around it). */
export function darwinModuleOf(ctx: RuleContext, def: OptionDefinition): ModuleInfo {
  if (def.module.prefix.length === 0) return def.module;
  const around = ctx.located.modules
    .filter(
      (m) => m.prefix.length === 0 && m.span.from <= def.module.span.from && m.span.to >= def.module.span.to,
    )
    .sort((a, b) => a.span.to - a.span.from - (b.span.to - b.span.from));
  return around[0] ?? def.module;
}

/** Group buildMachines-style definitions by their list element. */
export function entries(defs: readonly OptionDefinition[]): Map<string, OptionDefinition[]> {
  const byEntry = new Map<string, OptionDefinition[]>();
  for (const d of defs) {
    if (!d.entrySpan) continue;
    const k = `${d.entrySpan.from}:${d.entrySpan.to}`;
    byEntry.set(k, [...(byEntry.get(k) ?? []), d]);
  }
  return byEntry;
}

/**
 * A value from the user's file for a one-line message: in double quotes, control characters shown
 * as spaces, cut to `max` characters with an ellipsis (messages stay one sentence of ≤ 120 characters).
 */
export function quoted(value: string, max = 40): string {
  const flat = [...value].map((c) => (c < ' ' || c === '\u007f' ? ' ' : c)).join('');
  return `"${flat.length > max ? `${flat.slice(0, max - 1)}…` : flat}"`;
}

/** The longest limit of a diagnostic message and of a fix title (issue 9: short, one line). */
export const MESSAGE_LIMIT = 120;
export const TITLE_LIMIT = 70;

/** The first candidate that fits `limit` characters (the last one cut to fit when none does). */
export function fitting(limit: number, ...candidates: string[]): string {
  const fit = candidates.find((c) => c.length <= limit);
  if (fit !== undefined) return fit;
  const last = candidates[candidates.length - 1] ?? '';
  return `${last.slice(0, limit - 1)}…`;
}
