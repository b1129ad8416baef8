/**
 * `check` over many files, linear in their number: each file is read and parsed once, each
 * configuration's merged facts are built once (indexed by option path), and each file is then
 * judged with the facts of the other members of its configuration, once per host that uses it.
 * The three steps (readForCheck, CheckJudge, judge) are also what each thread of a parallel check
 * runs on its share of the files (parallelCheck.ts).
 * What a file's findings owe to it alone (its syntax problems) is found when it is read, so that
 * what waits for the others is small: its text, what the rules read of it, and its tree only when
 * it has syntax errors. Holding every file's tree and memo until the last file was read cost a
 * tenth of a big check in garbage collection.
 */
import type { SourceText } from '../nix/sourceText.js';
import { resolve } from 'node:path';
import type { Finding, RuleId } from '../protocol/findings.js';
import { Tree } from '@lezer/common';
import { analysisFailed, analyzeParsed, configurationFacts, locateForRules } from '../rules/analyze.js';
import type { FileFacts } from '../rules/factsIndex.js';
import { RULES } from '../rules/registry.js';
import { parseNix, type ParsedNix } from '../nix/parse.js';
import { kindOf, type WorkspaceFs } from './fileSystem.js';
import { RootConfigurations } from './configurations.js';
import type { Skipped } from './nixFiles.js';
import { RootCache } from './roots.js';
import { errorText } from '../protocol/errorText.js';

export interface CheckOptions {
  disabledRules?: readonly string[] | undefined;
  onRuleError?: (file: string, rule: RuleId, error: unknown) => void;
}

export interface CheckedFile {
  file: string;
  text: string;
  findings: Finding[];
}

export interface CheckResult {
  /** The files read, in the order given, with their findings. */
  checked: CheckedFile[];
  /** Files that could not be read. */
  skipped: Skipped[];
}

/** A file read and parsed, with what the rules read of it. */
export interface ReadForCheck {
  file: string;
  /** Grouping follows module paths, which resolve to absolute paths: files are keyed the same way. */
  key: string;
  /** What judging still reads of the parse (see `judgedParse`). */
  parsed: ParsedNix<string>;
  located: ReturnType<typeof locateForRules>;
  facts: FileFacts;
  /** The file's syntax findings (the first part of its analysis), or what made that analysis throw. */
  syntax: { findings: Finding[] } | { error: unknown };
}

/** What one file of the check is to the others: its facts, and its text for related information. */
export interface CheckMember {
  file: string;
  key: string;
  facts: FileFacts;
}

/** One file read: parsed, or unreadable (skipped), or its parse threw (its one analysis-failed finding). */
export type FileRead = { read: ReadForCheck } | { skipped: Skipped } | { failed: CheckedFile };

/**
 * The analysis is split in two: the syntax findings when the file is read (every rule off), the
 * rules' findings when it is judged (syntax-error off). analyzeParsed lists the syntax findings
 * first, then the rules': the two lists end to end are its one list.
 */
const RULE_IDS = RULES.map((rule) => rule.id);
const syntaxOnly = lastOf((disabled) => [...(disabled ?? []), ...RULE_IDS]);
const rulesOnly = lastOf((disabled) => [...(disabled ?? []), 'syntax-error']);

/** `extend`, answering again with the same list for the same list (one per check, not per file:
 *  analyzeParsed then also makes its set of disabled rules once). */
function lastOf(
  extend: (disabled: readonly string[] | undefined) => readonly string[],
): (disabled: readonly string[] | undefined) => readonly string[] {
  let last: { disabled: readonly string[] | undefined; extended: readonly string[] } | undefined;
  return (disabled) => {
    if (!last || last.disabled !== disabled) last = { disabled, extended: extend(disabled) };
    return last.extended;
  };
}

export function readForCheck(file: string, fs: WorkspaceFs, options: CheckOptions): FileRead {
  const text = readOrSkip(file, fs);
  return typeof text === 'string' ? parseForCheck(file, text, options) : { skipped: text };
}

/** The file's text, or why it could not be read. */
function readOrSkip(file: string, fs: WorkspaceFs): string | Skipped {
  try {
    return fs.readText(file);
  } catch (error) {
    return { path: file, reason: errorText(error) };
  }
}

/** readForCheck of a file whose text was read. */
function parseForCheck(file: string, text: string, options: CheckOptions): FileRead {
  let parsed: ParsedNix<string>;
  let located: ReadForCheck['located'];
  try {
    // A check parses each file once: what locate and the syntax check keep per subtree for the next
    // parse of the same document (treeMemo.ts, locateMemo.ts, a quarter of locate's time) would be
    // built only to be dropped.
    parsed = withoutMemo(parseNix(text));
    located = locateForRules(parsed);
  } catch (error) {
    return { failed: { file, text, findings: [{ file, ...analysisFailed(error) }] } };
  }
  let syntax: ReadForCheck['syntax'];
  let facts: FileFacts | undefined;
  try {
    const analysis = analyzeParsed(parsed, { disabledRules: syntaxOnly(options.disabledRules) }, located);
    syntax = { findings: analysis.findings };
    facts = analysis.facts;
  } catch (error) {
    // (Said when the file is judged, in its place among the others, as a throw there would be.)
    syntax = { error };
  }
  return {
    read: {
      file,
      key: resolve(file),
      parsed: judgedParse(parsed),
      located,
      facts: facts ?? configurationFacts(located),
      syntax,
    },
  };
}

/** The parse without its per-subtree memo and fragments, which only a next parse would use. */
function withoutMemo<T extends SourceText>({ text, tree, hasErrors }: ParsedNix<T>): ParsedNix<T> {
  return hasErrors === undefined ? { text, tree, fragments: [] } : { text, tree, fragments: [], hasErrors };
}

/**
 * What the rules' half of the analysis reads of a parse: its text, and its error nodes, which the
 * fix guard (fixGuard.ts) looks for in the tree unless the parse is known to have none. An
 * error-free file's tree is not kept (its syntax was checked when it was read).
 */
function judgedParse(parsed: ParsedNix<string>): ParsedNix<string> {
  return parsed.hasErrors === false
    ? { text: parsed.text, tree: NOT_KEPT, fragments: [], hasErrors: false }
    : parsed;
}

/**
 * Stands for the tree not kept: should the rules' half of the analysis ever read it, the file gets
 * its analysis-failed finding (and the tests of check see it) rather than findings from an empty tree.
 */
const NOT_KEPT: Tree = new Proxy(Tree.empty, {
  get() {
    throw new Error(
      "the tree of an error-free file was read after the check dropped it (checkFiles.ts' judgedParse)",
    );
  },
});

export const memberOf = (r: ReadForCheck): CheckMember => ({ file: r.file, key: r.key, facts: r.facts });

/** The finding with its file named, and its related information in the same file too (the JSON
 *  contract is `related: [{ file, range, message }]`). */
function withFile(file: string, f: Finding, nameOf: (key: string) => string): Finding {
  const related = f.related?.map((r) => ({
    file: r.file === undefined ? file : nameOf(r.file),
    range: r.range,
    message: r.message,
  }));
  return { file, ...f, ...(related ? { related } : {}) };
}

/**
 * Each root's configurations (one per host when hosts are found) and their merged facts, built
 * once from every member of the check (in the order given: it orders what the rules see), and the
 * judging of one file with them. `textOf` gives another member's text (by key), to place related
 * information in it.
 */
export class CheckJudge {
  private readonly roots: RootCache;
  private readonly configurationsOf = new Map<string, RootConfigurations>();
  private readonly fileOf: Map<string, string>;

  constructor(
    members: readonly CheckMember[],
    fs: WorkspaceFs,
    private readonly textOf: (key: string) => string | undefined,
  ) {
    this.roots = new RootCache(fs);
    this.fileOf = new Map(members.map((m) => [m.key, m.file]));
    const byRoot = new Map<string, CheckMember[]>();
    for (const m of members) {
      const root = this.roots.rootOf(m.file);
      const list = byRoot.get(root);
      if (list) list.push(m);
      else byRoot.set(root, [m]);
    }
    for (const [root, list] of byRoot) {
      const facts = new Map(list.map((m) => [m.key, m.facts]));
      this.configurationsOf.set(
        root,
        new RootConfigurations(
          list.map((m) => m.key),
          (file) => facts.get(file),
          (path) => kindOf(fs, path),
        ),
      );
    }
  }

  judge({ file, key, parsed, located, syntax }: ReadForCheck, options: CheckOptions): CheckedFile {
    const contexts = this.configurationsOf.get(this.roots.rootOf(file))?.contextsFor(key);
    const textOf = this.textOf;
    let findings: Finding[];
    try {
      if ('error' in syntax) throw syntax.error;
      const rules = analyzeParsed(
        parsed,
        {
          disabledRules: rulesOnly(options.disabledRules),
          onlyAnchoredRules: true,
          contexts: contexts?.map((c) => ({ ...c, elsewhere: c.elsewhere && { ...c.elsewhere, textOf } })),
          onRuleError: (rule, error) => options.onRuleError?.(file, rule, error),
        },
        located,
      ).findings;
      findings = syntax.findings.length > 0 ? [...syntax.findings, ...rules] : rules;
    } catch (error) {
      // One file that cannot be analysed says so and does not stop the others.
      findings = [analysisFailed(error)];
    }
    // (Related files are named as the user named them, like the findings' own.)
    const nameOf = (other: string) => this.fileOf.get(other) ?? other;
    return { file, text: parsed.text, findings: findings.map((f) => withFile(file, f, nameOf)) };
  }
}

export function checkFiles(
  files: readonly string[],
  fs: WorkspaceFs,
  options: CheckOptions = {},
): CheckResult {
  const skipped: Skipped[] = [];
  const read: ReadForCheck[] = [];
  const unreadable: CheckedFile[] = [];
  // Every file is read before any is parsed: reading one between two parses took five times as
  // long (~27 µs against ~5 µs per file of the bench's 3,500, on the 2-core CI machine), its
  // system calls finding nothing of theirs left in the caches. The texts are kept to the end anyway.
  const texts = files.map((file) => readOrSkip(file, fs));
  for (const [i, file] of files.entries()) {
    const text = texts[i] ?? '';
    const result = typeof text === 'string' ? parseForCheck(file, text, options) : { skipped: text };
    if ('read' in result) read.push(result.read);
    else if ('skipped' in result) skipped.push(result.skipped);
    else unreadable.push(result.failed);
  }
  const byKey = new Map(read.map((r) => [r.key, r]));
  const judge = new CheckJudge(read.map(memberOf), fs, (key) => byKey.get(key)?.parsed.text);
  const checked = read.map((r) => judge.judge(r, options));
  return { checked: [...checked, ...unreadable], skipped };
}
