/**
 * `check --fix`: applies the preferred fixes that are safe together (rules/fixAll.ts, the same set the
 * editor's source.fixAll applies), file by file, and checks again, until nothing more applies (a fix
 * in one module can change what another module's rules see). Each file is written atomically and only
 * if it still holds the text the fixes were computed for (replaceFile.ts).
 */
import type { Finding } from '../protocol/findings.js';
import { fixAllPass, MAX_FIX_PASSES, type HeldFix } from '../rules/fixAll.js';
import { checkFiles, type CheckOptions, type CheckResult } from '../workspace/checkFiles.js';
import type { WorkspaceFs } from '../workspace/fileSystem.js';
import { replaceFileText } from './replaceFile.js';
import { errorText } from '../protocol/errorText.js';

export interface FixedFinding {
  file: string;
  /** Where the finding was, in the text the fix was applied to. */
  finding: Finding;
  title: string;
}

export interface FixFilesResult {
  fixed: FixedFinding[];
  /** Files that could not be written, with why (left unchanged). */
  failed: { file: string; reason: string }[];
  /** Preferred fixes of the last check that could not be applied with the others. */
  held: (HeldFix & { file: string })[];
  /** The last check: what remains. */
  result: CheckResult;
}

export function fixFiles(
  files: readonly string[],
  fs: WorkspaceFs,
  options: CheckOptions,
  write: (file: string, expected: string, next: string) => void = replaceFileText,
): FixFilesResult {
  const fixed: FixedFinding[] = [];
  const failed: FixFilesResult['failed'] = [];
  const unwritable = new Set<string>();
  let result = checkFiles(files, fs, options);
  let held: FixFilesResult['held'] = [];
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    let changed = false;
    held = [];
    for (const { file, text, findings } of result.checked) {
      if (unwritable.has(file)) continue;
      const fixes = fixAllPass(text, findings);
      held.push(...fixes.held.map((h) => ({ ...h, file })));
      if (fixes.applied.length === 0 || fixes.text === text) continue;
      try {
        write(file, text, fixes.text);
      } catch (error) {
        unwritable.add(file);
        failed.push({ file, reason: errorText(error) });
        continue;
      }
      changed = true;
      for (const { finding, fix } of fixes.applied) fixed.push({ file, finding, title: fix.title });
    }
    if (!changed) break;
    result = checkFiles(files, fs, options);
  }
  return { fixed, failed, held, result };
}
