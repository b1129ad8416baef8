/**
 * The analysis engine's entry point: parse (incrementally when given the previous parse), report
 * syntax problems once, locate option definitions in what parsed, run every rule, and return plain
 * Findings in LSP positions. A rule that throws is reported, never allowed to silence the others.
 */
import type { SourceText } from '../nix/sourceText.js';
import type { Finding, RelatedInformation, RuleId } from '../protocol/findings.js';
import { carryLines, LineIndex, lineIndexOf } from '../nix/lines.js';
import { locate } from '../nix/locate.js';
import type { Located } from '../nix/model.js';
import { BeyondParserLimits, parseNix, type ParsedNix, type TextChange } from '../nix/parse.js';
import { syntaxProblems } from '../nix/syntaxProblems.js';
import { errorNodes, newTreeMemo } from '../nix/treeMemo.js';
import { guardFix, lineEnding, mergeSpans, type DropReason, type FixGuard } from './fixGuard.js';
import { RULES, ruleCoverage, ruleRelevance } from './registry.js';
import { type Elsewhere, type Rule, type RuleContext, type RuleFinding } from './rule.js';
import { factsOf, type FileFacts } from './factsIndex.js';
import { locatedForSystem, mergeContexts, type ConfigurationContext, type RuleResult } from './perHost.js';
import { errorText } from '../protocol/errorText.js';

/**
 * The one finding of a file whose analysis threw (a bug, or an input beyond what the engine can
 * take): said at the top of the file, so a file is never silently left without findings.
 */
export function analysisFailed(error: unknown): Finding {
  const reason = errorText(error);
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: 'error',
    code: 'analysis-failed',
    // An input beyond the parser's limits is not a bug to report: say what it is instead.
    message:
      error instanceof BeyondParserLimits
        ? `Nothing in this file was checked: ${error.limit === 'nesting' ? 'it is nested deeper' : 'one expression in it is longer'} than the parser follows.`
        : 'Nothing in this file was checked: the analysis failed (please report this with the file).',
    detail:
      error instanceof BeyondParserLimits
        ? `The parser stopped because ${reason}.`
        : `The analysis stopped with: ${reason.slice(0, 200)}`,
    fixes: [],
  };
}

/** Syntax errors listed per file; the rest are counted in the last one's message. */
export const MAX_SYNTAX_FINDINGS = 20;

export interface AnalyzeOptions {
  /** Rule ids the user switched off (setting `linuxBuilderDoctor.rules.disabled`). */
  disabledRules?: readonly string[] | undefined;
  /** Called when a rule throws (a bug): the other rules still run. */
  onRuleError?: ((rule: RuleId, error: unknown) => void) | undefined;
  /** Called for each fix the safety checks hold back (fixGuard.ts), with the reason. */
  onDroppedFix?: ((rule: RuleId, title: string, reason: DropReason) => void) | undefined;
  /** What the other files of the same configuration define (see `configurationFacts`, `FactsIndex`). */
  elsewhere?: Elsewhere | undefined;
  /**
   * The configurations (hosts) the file is part of, when more than one: the rules run once per
   * host and the findings are merged (perHost.ts). Replaces `elsewhere`.
   */
  contexts?: readonly ConfigurationContext[] | undefined;
  /**
   * A health check or test build has shown the builder works: rules that only advise how to get a
   * first working builder (`Rule.untilBuilderWorks`) stay quiet.
   */
  builderWorks?: boolean | undefined;
  /**
   * Run a rule only on a file with a definition its `reads` cover, where its findings are
   * anchored (`Rule.reads`): the same findings from fewer rules. `check` asks for it; most files
   * of a big configuration define nothing most rules read.
   */
  onlyAnchoredRules?: boolean | undefined;
}

/** What the rules read of a parse: the definitions, sets and lists at the paths they check. */
export function locateForRules(parsed: ParsedNix): Located {
  return locate(parsed, { only: ruleRelevance });
}

/**
 * The option definitions of one file that the rules read, for checking the other files of the same
 * configuration with them (`AnalyzeOptions.elsewhere`): a builder enabled in one module and
 * `nix.enable = false` in another is still a conflict.
 */
export function configurationFacts(source: string | ParsedNix | Located): FileFacts {
  return factsOf(
    typeof source === 'string'
      ? locateForRules(parseNix(source))
      : 'tree' in source
        ? locateForRules(source)
        : source,
  );
}

export interface Analysis {
  findings: Finding[];
  /** Keep it and pass it back with the next edit's changes for an incremental re-parse. Every
   *  option definition of the file (hover, completion) is `locate(parsed)`: locate it when needed
   *  (the language server does on the first hover after an edit, server/located.ts). */
  parsed: ParsedNix;
  /** What this file contributes to its configuration (`configurationFacts` of this parse). */
  facts: FileFacts;
}

export function analyzeNix(
  text: SourceText,
  options: AnalyzeOptions = {},
  previous?: { parsed: ParsedNix; changes: readonly TextChange[] },
): Analysis {
  const parsed = parseNix(text, previous);
  if (previous) carryLines(previous.parsed, previous.changes, parsed);
  return analyzeParsed(parsed, options);
}

/** The last list of disabled rules seen, as a set: a check passes the same list for each file. */
let lastDisabled: readonly string[] | undefined;
let lastDisabledSet: ReadonlySet<string> = new Set();

function disabledSet(list: readonly string[] | undefined): ReadonlySet<string> {
  if (list !== lastDisabled) {
    lastDisabled = list;
    lastDisabledSet = new Set(list ?? []);
  }
  return lastDisabledSet;
}

/** Whether `located` has a definition where `rule` anchors its findings (one its `reads` cover). */
function anchorsIn(rule: Rule, located: Located): boolean {
  const covers = ruleCoverage.get(rule);
  return !covers || located.definitions.some((d) => covers(d.path) === 'all');
}

/**
 * The analysis of a parse already made; `ruleLocated` (from `locateForRules` of the same parse)
 * when the caller located it already to collect the configuration's facts, so nothing is done twice.
 */
export function analyzeParsed(
  parsed: ParsedNix,
  options: AnalyzeOptions = {},
  ruleLocated?: Located,
): Analysis {
  const { text } = parsed;
  // (Made when a finding needs a position: most files of a `check` have none.)
  const lines = (): LineIndex => lineIndexOf(parsed);
  const disabled = disabledSet(options.disabledRules);
  const findings: Finding[] = [];
  // Every fix passes the same safety checks (fixGuard.ts) on its way out.
  let guard: FixGuard | undefined;
  const guarded = (code: RuleId, fix: RuleFinding['fixes'][number]) => {
    guard ??= {
      text,
      errors:
        parsed.hasErrors === false
          ? []
          : mergeSpans(errorNodes(parsed.tree, parsed.memo ?? newTreeMemo()).all),
      eol: lineEnding(text),
    };
    const verdict = guardFix(guard, fix);
    if ('dropped' in verdict) options.onDroppedFix?.(code, fix.title, verdict.dropped);
    return 'fix' in verdict ? [verdict.fix] : [];
  };
  const otherLines = new Map<string, LineIndex | undefined>();
  const linesOf = (file: string): LineIndex | undefined => {
    if (!otherLines.has(file)) {
      // (Any configuration's view of the other files has their texts: the same files.)
      let other: SourceText | undefined;
      for (const source of [options.elsewhere, ...(options.contexts ?? []).map((c) => c.elsewhere)])
        other ??= source?.textOf?.(file);
      otherLines.set(file, other === undefined ? undefined : new LineIndex(other));
    }
    return otherLines.get(file);
  };
  const toRelated = (r: NonNullable<RuleFinding['related']>[number]): RelatedInformation | undefined => {
    const index = r.file === undefined ? lines() : linesOf(r.file);
    if (!index) return undefined; // another file whose text we do not have: nowhere to point
    const range = { start: index.positionAt(r.span.from), end: index.positionAt(r.span.to) };
    return r.file === undefined ? { range, message: r.message } : { file: r.file, range, message: r.message };
  };
  const toFinding = (code: RuleId, f: RuleFinding): Finding => {
    const finding: Finding = {
      range: { start: lines().positionAt(f.span.from), end: lines().positionAt(f.span.to) },
      severity: f.severity,
      code,
      message: f.message,
      ...(f.detail !== undefined ? { detail: f.detail } : {}),
      fixes: f.fixes
        .flatMap((fix) => guarded(code, fix))
        .map((fix) => ({
          title: fix.title,
          isPreferred: fix.isPreferred,
          edits: fix.edits.map((e) => ({
            range: { start: lines().positionAt(e.from), end: lines().positionAt(e.to) },
            newText: e.newText,
          })),
        })),
    };
    const related = (f.related ?? []).map(toRelated).filter((r): r is RelatedInformation => r !== undefined);
    if (related.length > 0) finding.related = related;
    return finding;
  };

  if (!disabled.has('syntax-error')) {
    // Nix itself stops at the first syntax error; after a few, more only bury the real one.
    const problems = syntaxProblems(parsed);
    const shown = problems.slice(0, MAX_SYNTAX_FINDINGS);
    shown.forEach((problem, i) => {
      const more =
        i === shown.length - 1 && problems.length > shown.length
          ? ` (${problems.length - shown.length} more not listed)`
          : '';
      findings.push(
        toFinding('syntax-error', {
          span: problem.span,
          severity: 'error',
          message: problem.message + more,
          fixes: [],
        }),
      );
    });
  }
  // The rules read a few option paths: locate only those for them (a fraction of the work).
  const forRules = ruleLocated ?? locateForRules(parsed);
  const contexts: readonly ConfigurationContext[] = options.contexts?.length
    ? options.contexts
    : [{ elsewhere: options.elsewhere }];
  const results = contexts.map((context) => {
    const ctx: RuleContext = {
      text,
      located: locatedForSystem(forRules, context.system),
      elsewhere: context.elsewhere,
    };
    const out: RuleResult[] = [];
    for (const rule of RULES) {
      if (disabled.has(rule.id) || (options.builderWorks && rule.untilBuilderWorks)) continue;
      if (options.onlyAnchoredRules && !anchorsIn(rule, ctx.located)) continue;
      try {
        for (const finding of rule.check(ctx)) out.push({ rule: rule.id, finding });
      } catch (error) {
        options.onRuleError?.(rule.id, error);
      }
    }
    return out;
  });
  for (const { rule, finding } of mergeContexts(contexts, results)) findings.push(toFinding(rule, finding));
  return new AnalysisResult(findings, parsed, forRules);
}

/**
 * An analysis whose `facts` are worked out when first read: the language server reads them on
 * every analysis, `check`'s judging half and a plain keystroke never do. A class, not an object
 * literal with a getter of its own: that kept every keystroke's analysis, and all it located, alive
 * through young-generation collections until the next full one (docs/dev/architecture.md#memory-while-typing).
 */
class AnalysisResult implements Analysis {
  private computedFacts: FileFacts | undefined;

  constructor(
    readonly findings: Finding[],
    readonly parsed: ParsedNix,
    private readonly forRules: Located,
  ) {}

  get facts(): FileFacts {
    return (this.computedFacts ??= configurationFacts(this.forRules));
  }
}
