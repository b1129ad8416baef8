/**
 * `check` over many files, linear in their number: each file is read and parsed once, each
 * configuration's merged facts are built once (indexed by option path), and each file is then
 * judged with the facts of the other members of its configuration.
 */
import type { Finding, RuleId } from '../protocol/findings.js';
import { analyzeParsed, configurationFacts, locateForRules } from '../rules/analyze.js';
import { FactsIndex } from '../rules/factsIndex.js';
import { parseNix } from '../nix/parse.js';
import type { WorkspaceFs } from './fileSystem.js';
import type { Skipped } from './nixFiles.js';
import { RootCache } from './roots.js';

export interface CheckOptions {
  disabledRules?: readonly string[];
  onRuleError?: (file: string, rule: RuleId, error: unknown) => void;
}

export interface CheckResult {
  /** The files read, in the order given, with their findings. */
  checked: { file: string; text: string; findings: Finding[] }[];
  /** Files that could not be read. */
  skipped: Skipped[];
}

/** The finding with its file named, and its related information in the same file too (the JSON
 *  contract is `related: [{ file, range, message }]`). */
function withFile(file: string, f: Finding): Finding {
  const related = f.related?.map((r) => ({ file: r.file ?? file, range: r.range, message: r.message }));
  return { file, ...f, ...(related ? { related } : {}) };
}

export function checkFiles(files: readonly string[], fs: WorkspaceFs, options: CheckOptions = {}): CheckResult {
  const skipped: Skipped[] = [];
  const read: { file: string; parsed: ReturnType<typeof parseNix>; located: ReturnType<typeof locateForRules> }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readText(file);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      skipped.push({ path: file, reason: e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.message });
      continue;
    }
    const parsed = parseNix(text);
    read.push({ file, parsed, located: locateForRules(parsed) });
  }
  const roots = new RootCache(fs);
  const indexOf = new Map<string, FactsIndex>();
  for (const { file, located } of read) {
    const root = roots.rootOf(file);
    let index = indexOf.get(root);
    if (!index) indexOf.set(root, (index = new FactsIndex()));
    index.set(file, configurationFacts(located));
  }
  const textOf = new Map(read.map(({ file, parsed }) => [file, parsed.text]));
  const checked = read.map(({ file, parsed, located }) => {
    const elsewhere = indexOf.get(roots.rootOf(file))?.elsewhereFor(file);
    const analysis = analyzeParsed(parsed, {
      disabledRules: options.disabledRules,
      // (The other files' texts place related information in them.)
      elsewhere: elsewhere && { ...elsewhere, textOf: (other: string) => textOf.get(other) },
      onRuleError: (rule, error) => options.onRuleError?.(file, rule, error),
    }, located);
    return { file, text: parsed.text, findings: analysis.findings.map((f) => withFile(file, f)) };
  });
  return { checked, skipped };
}
