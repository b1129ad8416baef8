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

/** The findings that are this problem (by rule, and by the option's last name on the finding's line). */
export function definitionsFor(
  problem: { cause: CauseId; option?: string },
  findings: readonly Finding[],
  texts: ReadonlyMap<string, string>,
): ExplainDefinition[] {
  const rules = RULES_FOR[problem.cause];
  if (!rules) return [];
  const name = problem.option !== undefined ? lastSegment(problem.option) : undefined;
  return findings
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
}

export interface Located<P> {
  problems: (P & { definitions?: ExplainDefinition[] })[];
  missing: string[];
}

/** Check the configuration under `paths` (only when a problem can have definitions) and attach them. */
export function attachDefinitions<P extends { cause: CauseId; option?: string }>(
  problems: P[],
  paths: readonly string[],
  fs: WorkspaceFs,
): Located<P> {
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
