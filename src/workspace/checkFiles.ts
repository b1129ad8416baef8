/**
 * `check` over many files, linear in their number: each file is read and parsed once, each
 * configuration's merged facts are built once (indexed by option path), and each file is then
 * judged with the facts of the other members of its configuration, once per host that uses it.
 */
import { resolve } from 'node:path';
import type { Finding, RuleId } from '../protocol/findings.js';
import { analysisFailed, analyzeParsed, configurationFacts, locateForRules } from '../rules/analyze.js';
import { parseNix } from '../nix/parse.js';
import { kindOf, type WorkspaceFs } from './fileSystem.js';
import { RootConfigurations } from './configurations.js';
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
function withFile(file: string, f: Finding, nameOf: (key: string) => string): Finding {
  const related = f.related?.map((r) => ({
    file: r.file === undefined ? file : nameOf(r.file),
    range: r.range,
    message: r.message,
  }));
  return { file, ...f, ...(related ? { related } : {}) };
}

export function checkFiles(
  files: readonly string[],
  fs: WorkspaceFs,
  options: CheckOptions = {},
): CheckResult {
  const skipped: Skipped[] = [];
  const read: {
    file: string;
    key: string;
    parsed: ReturnType<typeof parseNix>;
    located: ReturnType<typeof locateForRules>;
  }[] = [];
  /** Files whose parse threw: each gets its one analysis-failed finding. */
  const unreadable: { file: string; text: string; findings: Finding[] }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readText(file);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      skipped.push({
        path: file,
        reason: e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.message,
      });
      continue;
    }
    try {
      const parsed = parseNix(text);
      // Grouping follows module paths, which resolve to absolute paths: key files the same way.
      read.push({ file, key: resolve(file), parsed, located: locateForRules(parsed) });
    } catch (error) {
      unreadable.push({ file, text, findings: [{ file, ...analysisFailed(error) }] });
    }
  }
  // Each root's configurations (one per host when hosts are found) and their merged facts, built once.
  const roots = new RootCache(fs);
  const byRoot = new Map<string, typeof read>();
  for (const r of read) {
    const root = roots.rootOf(r.file);
    const members = byRoot.get(root);
    if (members) members.push(r);
    else byRoot.set(root, [r]);
  }
  const configurationsOf = new Map<string, RootConfigurations>();
  for (const [root, members] of byRoot) {
    const facts = new Map(members.map((m) => [m.key, configurationFacts(m.located)]));
    configurationsOf.set(
      root,
      new RootConfigurations(
        members.map((m) => m.key),
        (file) => facts.get(file),
        (path) => kindOf(fs, path),
      ),
    );
  }
  // (The other files' texts place related information in them; the index knows files by their keys.)
  const byKey = new Map(read.map((r) => [r.key, r]));
  const textOf = (key: string): string | undefined => byKey.get(key)?.parsed.text;
  const checked = read.map(({ file, key, parsed, located }) => {
    const contexts = configurationsOf.get(roots.rootOf(file))?.contextsFor(key);
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
    return {
      file,
      text: parsed.text,
      findings: findings.map((f) => withFile(file, f, (other) => byKey.get(other)?.file ?? other)),
    };
  });
  return { checked: [...checked, ...unreadable], skipped };
}
