/**
 * `unknown-option`: a name under `nix.linux-builder`, a `nix.buildMachines` entry or the VM's
 * `virtualisation.darwin-builder` that the upstream module does not declare, or a name directly under
 * the VM's `config` that is no NixOS option namespace. darwin-rebuild would fail with "The option
 * `…' does not exist". Says where the setting really lives (docs/dev/domain.md#builder-options) or the closest real name.
 */
import type { OptionDefinition, Span } from '../../nix/model.js';
import {
  BUILDER_CONFIG_PATH,
  CLOSED_SETS,
  NIXOS_TOP_LEVEL,
  childOptions,
  describeOption,
  misplacedOption,
  removedOption,
  samePath,
  startsWith,
  type MisplacedOption,
} from '../../schema/index.js';
import { nixAttrPath } from '../../nix/print.js';
import { closest } from '../distance.js';
import { moveDefinition, wouldClash } from '../editing.js';
import {
  fitting,
  listsAnywhere,
  MESSAGE_LIMIT,
  type OffsetFix,
  type Rule,
  type RuleContext,
  type RuleFinding,
} from '../rule.js';

const dotted = (path: readonly string[]) => path.join('.');

/** The first element of `def.path` that names no real option, with what we know about it. */
function firstUnknown(
  def: OptionDefinition,
  configHasImports: boolean,
):
  | {
      index: number;
      siblings: string[];
      misplaced?: MisplacedOption | undefined;
      /** The names the unknown one stands for, when it is two run together (`withoutDot`). */
      joined?: string[];
    }
  | undefined {
  for (const closed of CLOSED_SETS) {
    if (!startsWith(def.path, closed) || def.path.length <= closed.length) continue;
    const index = closed.length;
    const probe = def.path.slice(0, index + 1);
    const name = def.path[index] ?? '';
    if (name === 'sshOptions' || name.startsWith('${') || removedOption(probe)) return undefined;
    // A known name (like `config`) may still have unknown names below it: check the deeper sets.
    if (describeOption(probe)) continue;
    const siblings = childOptions(closed).map((o) => o.path[index] ?? '');
    return { index, siblings, misplaced: misplacedOption(probe) };
  }
  if (startsWith(def.path, BUILDER_CONFIG_PATH) && def.path.length > BUILDER_CONFIG_PATH.length) {
    const index = BUILDER_CONFIG_PATH.length;
    const name = def.path[index] ?? '';
    if (name === 'sshOptions' || name.startsWith('${') || NIXOS_TOP_LEVEL.has(name)) return undefined;
    const misplaced = misplacedOption(def.path.slice(0, index + 1));
    // Modules the VM config imports may declare options of their own (sops, agenix, …): then only
    // the known mistakes are certain.
    if (configHasImports && !misplaced) return undefined;
    return { index, siblings: [...NIXOS_TOP_LEVEL], misplaced };
  }
  // Near-misses of the builder's own names directly under `nix` (nix-darwin has many other nix.* options).
  if (def.path[0] === 'nix' && def.path.length >= 2) {
    const name = def.path[1] ?? '';
    const known = ['linux-builder', 'buildMachines', 'distributedBuilds'];
    if (known.includes(name)) return undefined;
    const joined = withoutDot(name);
    if (joined) return { index: 1, siblings: [], joined };
    const near = closest(name, known);
    if (near) return { index: 1, siblings: [near] };
  }
  return undefined;
}

/**
 * `linux-builderconfig` is `linux-builder.config` with its dot lost: the name of an option under
 * `nix.linux-builder`, run into the name before it. The closest single name (`linux-builder`) would
 * move the whole value onto the builder's own set, which is not what was meant.
 */
function withoutDot(name: string): string[] | undefined {
  const head = 'linux-builder';
  if (!name.startsWith(head) || name.length === head.length) return undefined;
  const rest = name.slice(head.length);
  const options = childOptions(['nix', head]).map((o) => o.path[2]);
  return options.includes(rest) ? [head, rest] : undefined;
}

function fixesFor(
  ctx: RuleContext,
  def: OptionDefinition,
  index: number,
  target: readonly string[] | undefined,
): OffsetFix[] {
  if (!target) return [];
  const nameIsLast = index === def.path.length - 1;
  if (nameIsLast) {
    const move = moveDefinition(ctx, def, target);
    if (!move) return [];
    // The full path when it fits the title, else the part under nix.linux-builder.config.
    const short = (path: readonly string[]) => {
      const full = dotted(path);
      return full.length <= 50 ? full : dotted(path.slice(path.indexOf('config') + 1));
    };
    const title = move.alreadySet ? `Remove it: ${short(target)} is already set` : `Move to ${short(target)}`;
    return [{ title, isPreferred: true, edits: move.edits }];
  }
  // A prefix is misspelt (`nix.linux-buildr.enable`): rename just that name, unless the renamed
  // bindings would then clash with ones already written under the right name. The name may stand
  // for more than one (`linux-builderconfig` for `linux-builder.config`); what comes before it stays.
  const span = def.pathSpans[index];
  const names = target.slice(index, index + target.length - def.path.length + 1);
  if (!span || names.length === 0 || !samePath(target.slice(0, index), def.path.slice(0, index))) return [];
  const renamed = ctx.located.definitions
    .filter((d) => d.pathSpans[index]?.from === span.from && d.pathSpans[index]?.to === span.to)
    .map((d) => ({ def: d, path: [...d.path.slice(0, index), ...names, ...d.path.slice(index + 1)] }));
  if (wouldClash(ctx, renamed, index)) return [];
  return [
    {
      title: `Change to ${dotted(names)}`,
      isPreferred: true,
      edits: [{ from: span.from, to: span.to, newText: nixAttrPath(names) }],
    },
  ];
}

export const unknownOptionRule: Rule = {
  id: 'unknown-option',
  severity: 'error',
  reads: [['nix'], ['*', 'buildMachines']],
  docs: 'docs/rules/unknown-option.md',
  summary:
    "an option that does not exist under `nix.linux-builder`, a `nix.buildMachines` entry, the VM's `config` or `virtualisation.darwin-builder`; says where it really lives or the closest real name, and moves it",
  check(ctx) {
    const seen = new Set<string>();
    const findings: RuleFinding[] = [];
    // `imports` is read by the module system itself, so the locator lists it (lists), not as a definition.
    const configHasImports = listsAnywhere(ctx, [...BUILDER_CONFIG_PATH, 'imports']).length > 0;
    for (const def of ctx.located.definitions) {
      const unknown = firstUnknown(def, configHasImports);
      if (!unknown) continue;
      const span: Span | undefined = def.pathSpans[unknown.index];
      if (!span || seen.has(`${span.from}:${span.to}`)) continue;
      seen.add(`${span.from}:${span.to}`);
      const name = def.path[unknown.index] ?? '';
      const parent = def.path.slice(0, unknown.index);
      const option = dotted([...parent, name]);
      // The message names the option and the way out; the reasoning goes to the detail.
      let tail = '';
      let detail = `darwin-rebuild stops: the module system reports that the option ${option} does not exist.`;
      let target: string[] | undefined;
      if (unknown.misplaced) {
        detail = `${unknown.misplaced.advice} ${detail}`;
        target = unknown.misplaced.correctPath
          ? [...unknown.misplaced.correctPath, ...def.path.slice(unknown.index + 1)]
          : undefined;
        // Where it lives, or the advice's first clause ("entries have no port field").
        // A sentence ends at a stop before a space, not at the dots of an option name.
        const clause = /^.+?(?=[.;:](?:\s|$)|$)/.exec(unknown.misplaced.advice)?.[0] ?? '';
        tail = unknown.misplaced.correctPath
          ? `: it is ${dotted(unknown.misplaced.correctPath)}`
          : `: ${clause.charAt(0).toLowerCase()}${clause.slice(1)}`;
      } else if (unknown.joined) {
        tail = `: did you mean ${dotted(unknown.joined)}?`;
        target = [...parent, ...unknown.joined, ...def.path.slice(unknown.index + 1)];
      } else {
        const suggestion = closest(name, unknown.siblings);
        if (suggestion) {
          tail = `: did you mean ${suggestion}?`;
          target = [...parent, suggestion, ...def.path.slice(unknown.index + 1)];
        } else if (startsWith(parent, BUILDER_CONFIG_PATH) && parent.length === BUILDER_CONFIG_PATH.length) {
          tail = ': the builder config takes only NixOS options';
          detail = `nix.linux-builder.config is the VM's own NixOS configuration: only NixOS options go there (e.g. virtualisation.darwin-builder.memorySize). ${detail}`;
        } else {
          const known = unknown.siblings.filter(Boolean);
          if (known.length > 0) detail = `Known options here: ${known.join(', ')}. ${detail}`;
        }
      }
      const end = tail.endsWith('?') ? '' : '.';
      const message = fitting(
        MESSAGE_LIMIT,
        `${option} is not an option${tail}${end}`,
        `${name} is not an option here${tail}${end}`,
        `${name} is not an option here.`,
      );
      findings.push({
        span,
        severity: 'error',
        message,
        detail,
        fixes: fixesFor(ctx, def, unknown.index, target),
      });
    }
    return findings;
  },
};
