/**
 * `removed-option`: `nix.linux-builder.modules` was removed upstream: "This option has been replaced
 * with `nix.linux-builder.config`" (nix-darwin modules/nix/linux-builder.nix, docs/dev/domain.md#builder-options).
 */
import { removedOption } from '../../schema/index.js';
import { moveDefinition } from '../editing.js';
import { fitting, MESSAGE_LIMIT, type Rule, type RuleFinding } from '../rule.js';

export const removedOptionRule: Rule = {
  id: 'removed-option',
  severity: 'error',
  reads: [['nix', 'linux-builder']],
  docs: 'docs/rules/removed-option.md',
  summary: '`nix.linux-builder.modules` (replaced by `config`)',
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const def of ctx.located.definitions) {
      const removed = removedOption(def.path);
      if (!removed) continue;
      const edits = removed.correctPath ? moveDefinition(ctx, def, removed.correctPath)?.edits : undefined;
      findings.push({
        span: def.nameSpan,
        severity: 'error',
        message: fitting(
          MESSAGE_LIMIT,
          `${def.path.join('.')} was removed${removed.correctPath ? `: use ${removed.correctPath.join('.')}` : ''}.`,
          `${def.path.join('.')} was removed.`,
        ),
        detail: removed.advice,
        fixes:
          edits && removed.correctPath
            ? [{ title: `Replace with ${removed.correctPath.join('.')}`, isPreferred: true, edits }]
            : [],
      });
    }
    return findings;
  },
};
