/**
 * Judging one file once per host that uses it. A module shared by the work Mac and the home Mac is
 * right or wrong per machine: `nix.enable = false` on one must not raise an error on the other,
 * and one host's emulation must not hide the other's missing one. The rules run once per host
 * (`ConfigurationContext`); a finding true for every host is reported once, as is; one true for
 * some hosts only is reported once with those hosts named (so the user knows which machine).
 */
import { MESSAGE_LIMIT } from './rule.js';
import type { Located } from '../nix/model.js';
import { holdsSeveralHosts, moduleOfSystem } from './factsIndex.js';
import type { Elsewhere, RuleFinding } from './rule.js';
import type { RuleId } from '../protocol/findings.js';

/** One configuration a file is part of. */
export interface ConfigurationContext {
  /** The host's name (`darwinConfigurations.<name>`); undefined for a configuration without a known host. */
  host?: string | undefined;
  /** What the other files of that configuration define. */
  elsewhere?: Elsewhere | undefined;
  /** When this file holds several hosts' system calls: the key of the one judged (`SystemCall.key`). */
  system?: string | undefined;
}

/** `located` as one host sees it: the modules of the file's other system calls left out. */
export function locatedForSystem(located: Located, key: string | undefined): Located {
  if (key === undefined || !holdsSeveralHosts(located.systems)) return located;
  const keep = moduleOfSystem(key);
  return {
    definitions: located.definitions.filter((d) => keep(d.module)),
    attrsets: located.attrsets.filter((a) => keep(a.module)),
    lists: located.lists.filter((l) => keep(l.module)),
    modules: located.modules.filter(keep),
    systems: located.systems,
    imports: located.imports.filter((i) => keep(i.module)),
  };
}

export interface RuleResult {
  rule: RuleId;
  finding: RuleFinding;
}

const identity = ({ rule, finding: f }: RuleResult): string =>
  `${rule}\u0000${f.span.from}\u0000${f.span.to}\u0000${f.message}\u0000${f.fixes.map((x) => x.title).join('\u0001')}`;

/**
 * The findings of every context, each once. A finding not found in every context names the hosts
 * it is found for (`(host: work)`), when they have names.
 */
export function mergeContexts(
  contexts: readonly ConfigurationContext[],
  results: readonly (readonly RuleResult[])[],
): RuleResult[] {
  if (results.length === 1) return [...(results[0] ?? [])];
  const seen = new Map<string, { result: RuleResult; hosts: (string | undefined)[] }>();
  results.forEach((list, i) => {
    for (const result of list) {
      const key = identity(result);
      const entry = seen.get(key);
      const host = contexts[i]?.host;
      if (entry) {
        if (!entry.hosts.includes(host)) entry.hosts.push(host);
      } else {
        seen.set(key, { result, hosts: [host] });
      }
    }
  });
  const everyHost = new Set(contexts.map((c) => c.host)).size;
  return [...seen.values()].map(({ result, hosts }) => {
    const named = hosts.filter((h): h is string => h !== undefined);
    if (hosts.length === everyHost || named.length === 0) return result;
    const label = named.length === 1 ? `host: ${named[0]}` : `hosts: ${named.join(', ')}`;
    // In the one-line message when it fits (before its full stop), else at the head of the detail.
    const { message, detail } = result.finding;
    const inline = `${message} (${label})`;
    const finding =
      inline.length <= MESSAGE_LIMIT
        ? { ...result.finding, message: inline }
        : { ...result.finding, detail: `Only for ${label.replace(':', '')}.${detail ? ` ${detail}` : ''}` };
    return { rule: result.rule, finding };
  });
}
