/**
 * `check` over many files, linear in their number: each file is read and parsed once, each
 * configuration's merged facts are built once (indexed by option path), and each file is then
 * judged with the facts of the other members of its configuration, once per host that uses it.
 * The three steps (readForCheck, CheckJudge, judge) are also what each thread of a parallel check
 * runs on its share of the files (parallelCheck.ts).
 */
import { resolve } from 'node:path';
import type { Finding, RuleId } from '../protocol/findings.js';
import { analysisFailed, analyzeParsed, configurationFacts, locateForRules } from '../rules/analyze.js';
import type { FileFacts } from '../rules/factsIndex.js';
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
  parsed: ReturnType<typeof parseNix>;
  located: ReturnType<typeof locateForRules>;
}

/** What one file of the check is to the others: its facts, and its text for related information. */
export interface CheckMember {
  file: string;
  key: string;
  facts: FileFacts;
}

/** One file read: parsed, or unreadable (skipped), or its parse threw (its one analysis-failed finding). */
export type FileRead = { read: ReadForCheck } | { skipped: Skipped } | { failed: CheckedFile };

export function readForCheck(file: string, fs: WorkspaceFs): FileRead {
  let text: string;
  try {
    text = fs.readText(file);
  } catch (error) {
    return { skipped: { path: file, reason: errorText(error) } };
  }
  try {
    const parsed = parseNix(text);
    // A check parses each file once: what locate keeps per subtree for the next parse of the same
    // document (locateMemo.ts, a quarter of its time) would be built only to be dropped.
    const located = locateForRules(withoutMemo(parsed));
    return { read: { file, key: resolve(file), parsed, located } };
  } catch (error) {
    return { failed: { file, text, findings: [{ file, ...analysisFailed(error) }] } };
  }
}

/** The parse without its per-subtree memo: locate keeps nothing for a next parse then. */
function withoutMemo({ text, tree, fragments, hasErrors }: ParsedNix): ParsedNix {
  return hasErrors === undefined ? { text, tree, fragments } : { text, tree, fragments, hasErrors };
}

export const memberOf = (r: ReadForCheck): CheckMember => ({
  file: r.file,
  key: r.key,
  facts: configurationFacts(r.located),
});

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

  judge({ file, key, parsed, located }: ReadForCheck, options: CheckOptions): CheckedFile {
    const contexts = this.configurationsOf.get(this.roots.rootOf(file))?.contextsFor(key);
    const textOf = this.textOf;
    let findings: Finding[];
    try {
      findings = analyzeParsed(
        parsed,
        {
          disabledRules: options.disabledRules,
          contexts: contexts?.map((c) => ({ ...c, elsewhere: c.elsewhere && { ...c.elsewhere, textOf } })),
          onRuleError: (rule, error) => options.onRuleError?.(file, rule, error),
        },
        located,
      ).findings;
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
  for (const file of files) {
    const result = readForCheck(file, fs);
    if ('read' in result) read.push(result.read);
    else if ('skipped' in result) skipped.push(result.skipped);
    else unreadable.push(result.failed);
  }
  const byKey = new Map(read.map((r) => [r.key, r]));
  const judge = new CheckJudge(read.map(memberOf), fs, (key) => byKey.get(key)?.parsed.text);
  const checked = read.map((r) => judge.judge(r, options));
  return { checked: [...checked, ...unreadable], skipped };
}
