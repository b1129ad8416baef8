/**
 * Option errors of an error text, found in the user's configuration: the check's findings (same
 * rules, same lines as `check`) that are the problem `explain` named. Used by `explain --config`
 * and by the language server's explain request.
 */
import type { Finding, RuleId } from '../protocol/findings.js';
import type { ExplainDefinition } from '../protocol/lsp.js';
import type { CauseId } from '../protocol/probes.js';
import { checkFiles } from './checkFiles.js';
import type { WorkspaceFs } from './fileSystem.js';
import { collectNixFiles } from './nixFiles.js';

/** The check's rules that flag, in the configuration, what a cause's error text reports. */
export const RULES_FOR: Partial<Record<CauseId, RuleId[]>> = {
  'option-does-not-exist': ['unknown-option', 'ssh-options'],
  'option-removed': ['removed-option'],
  'option-type-mismatch': ['type-mismatch', 'ssh-key-store-path'],
  'requires-nix-enable': ['requires-nix-enable'],
  'determinate-conflict': ['requires-nix-enable'],
  'builder-wrong-port': ['localhost-no-port'],
  'machines-file-invalid': ['public-host-key-format'],
  'system-not-offered': ['x86-needs-emulation', 'rosetta-unsupported'],
  'distributed-builds-off': ['distributed-builds-off'],
};

function lastSegment(path: string): string {
  return path.split('.').pop() ?? path;
}

/**
 * The files an error text names as where a value was defined: the module system lists each
 * definition as "- In `<file>'" followed by its value (nixpkgs lib/options.nix, showDefs, used by
 * "The option … has conflicting definition values" and "… is not of type …"); for a flake the
 * file is its store copy, `/nix/store/<hash>-source/…`.
 */
export function filesNamedIn(evidence: readonly string[]): string[] {
  const named: string[] = [];
  for (const line of evidence) {
    for (const match of line.matchAll(/\bIn [`'‘]([^`'’]+)[`'’]/g)) named.push(match[1] ?? '');
  }
  return named.filter((f) => f.length > 0);
}

/** Path segments after a store path's `/nix/store/<hash>-<name>/` (the flake's own layout), else all of them. */
function segmentsOf(path: string): string[] {
  const segments = path.split(/[\\/]+/).filter((s) => s.length > 0);
  return segments[0] === 'nix' && segments[1] === 'store' ? segments.slice(3) : segments;
}

/** How many trailing path segments `file` shares with the closest file the error text names. */
function matchWithNamed(file: string, named: readonly string[]): number {
  const ours = segmentsOf(file);
  let best = 0;
  for (const other of named.map(segmentsOf)) {
    let shared = 0;
    while (
      shared < ours.length &&
      shared < other.length &&
      ours[ours.length - 1 - shared] === other[other.length - 1 - shared]
    )
      shared++;
    best = Math.max(best, shared);
  }
  return best;
}

/**
 * The findings that are this problem (by rule, and by the option's last name on the finding's line),
 * those in the file the error text names first: with the same mistake in two hosts' files, the one
 * this error came from is what Open Definition and `explain --config` show first.
 */
export function definitionsFor(
  problem: { cause: CauseId; option?: string; evidence?: readonly string[] },
  findings: readonly Finding[],
  texts: ReadonlyMap<string, string>,
): ExplainDefinition[] {
  const rules = RULES_FOR[problem.cause];
  if (!rules) return [];
  const name = problem.option !== undefined ? lastSegment(problem.option) : undefined;
  const named = filesNamedIn(problem.evidence ?? []);
  const found = findings
    .filter((f) => {
      if (!rules.includes(f.code) || f.file === undefined) return false;
      if (name === undefined) return true;
      const line = (texts.get(f.file) ?? '').split('\n')[f.range.start.line] ?? '';
      return line.includes(name) || f.message.includes(name);
    })
    .map((f) => ({
      rule: f.code,
      file: f.file ?? '',
      line: f.range.start.line + 1,
      column: f.range.start.character + 1,
      message: f.message,
    }));
  // Array.prototype.sort is stable: within one match length, the check's order stays.
  return found.sort((a, b) => matchWithNamed(b.file, named) - matchWithNamed(a.file, named));
}

export interface Located<P> {
  problems: (P & { definitions?: ExplainDefinition[] })[];
  missing: string[];
}

/** Check the configuration under `paths` (only when a problem can have definitions) and attach them. */
export function attachDefinitions<
  P extends { cause: CauseId; option?: string; evidence?: readonly string[] },
>(problems: P[], paths: readonly string[], fs: WorkspaceFs): Located<P> {
  if (paths.length === 0 || !problems.some((p) => RULES_FOR[p.cause] !== undefined))
    return { problems, missing: [] };
  const collected = collectNixFiles(paths, fs);
  const { checked } = checkFiles(collected.files, fs);
  const findings = checked.flatMap((c) => c.findings);
  const texts = new Map(checked.map((c) => [c.file, c.text]));
  return {
    missing: collected.missing,
    problems: problems.map((p) => {
      const definitions = definitionsFor(p, findings, texts);
      return definitions.length > 0 ? { ...p, definitions } : p;
    }),
  };
}
