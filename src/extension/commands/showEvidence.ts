import type * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { docUri, showRendered } from '../documents/provider.js';
import { isVerdictArg, probeFromArg } from './probeArg.js';

/**
 * Row action "Show Evidence" (and a click on the verdict): the commands, exit codes and full stderr
 * as a rendered, read-only page (linux-builder-doctor:/evidence/…), which follows re-runs.
 */
export function showEvidence(ctx: Ctx): (arg: unknown) => Promise<vscode.TextDocument | undefined> {
  return async (arg) => {
    if (isVerdictArg(arg)) return ctx.model.report ? showRendered(docUri('/evidence/verdict.md')) : undefined;
    const result = probeFromArg(ctx, arg);
    if (!result) return undefined;
    return showRendered(docUri(`/evidence/${result.id}.md`));
  };
}
