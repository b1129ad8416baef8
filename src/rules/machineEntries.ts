/** The `nix.buildMachines` entries of a file, one object per list element, for the entry rules. */
import type { AttrSetInfo, OptionDefinition } from '../nix/model.js';
import {
  definitionsAt,
  definitionsElsewhere,
  entries,
  stringList,
  stringValue,
  type RuleContext,
} from './rule.js';

export interface MachineEntry {
  fields: Map<string, OptionDefinition>;
  set?: AttrSetInfo | undefined;
  hostName?: OptionDefinition | undefined;
  hostNameValue?: string | undefined;
}

export function machineEntries(ctx: RuleContext): MachineEntry[] {
  // Entries of a NixOS module (a VM of the user's own) are not the Mac's builders.
  const defs = ctx.located.definitions.filter(
    (d) =>
      d.path.length === 4 &&
      d.path[0] === 'nix' &&
      d.path[1] === 'buildMachines' &&
      d.path[2] === '*' &&
      !d.module.nixos,
  );
  return [...entries(defs).values()].map((fields) => {
    const byName = new Map(fields.map((d) => [d.path[3] ?? '', d]));
    const entrySpan = fields[0]?.entrySpan;
    const set = ctx.located.attrsets.find(
      (s) =>
        s.entrySpan && entrySpan && s.entrySpan.from === entrySpan.from && s.entrySpan.to === entrySpan.to,
    );
    const hostName = byName.get('hostName');
    return { fields: byName, set, hostName, hostNameValue: hostName ? stringValue(hostName) : undefined };
  });
}

/**
 * The systems an entry builds for, when written as literals: `system` wins over `systems` when both
 * are set (nix-darwin modules/nix/default.nix writes `system` if non-null, else `systems`).
 * `[]` when neither is set; undefined when not readable.
 */
export function entrySystems(entry: MachineEntry): string[] | undefined {
  const system = entry.fields.get('system');
  if (system && system.value.kind !== 'null') {
    const value = stringValue(system);
    return value === undefined ? undefined : [value];
  }
  const systems = entry.fields.get('systems');
  return systems ? stringList(systems) : [];
}

export const isLinuxSystem = (system: string): boolean => system.trim().endsWith('-linux');

/**
 * Whether the entry is meant to reach the Linux VM: some system is Linux (or the systems cannot be
 * read). An entry for this Mac's own systems only (`aarch64-darwin`) is a deliberate local builder.
 */
export function wantsLinux(entry: MachineEntry): boolean {
  const systems = entrySystems(entry);
  return systems === undefined || systems.length === 0 || systems.some(isLinuxSystem);
}

/** Every known system of the entry is Linux: a fix that points it at the Linux VM sends no darwin job there. */
export function onlyLinux(entry: MachineEntry): boolean {
  const systems = entrySystems(entry);
  return systems !== undefined && systems.every(isLinuxSystem);
}

/** The entry's `protocol`, when written: `null` (no scheme: Hydra's local machine), or a string. */
export function entryProtocol(entry: MachineEntry): string | null | undefined {
  const def = entry.fields.get('protocol');
  if (!def) return undefined;
  if (def.value.kind === 'null') return null;
  return stringValue(def);
}

/**
 * Whether some module of the configuration declares builders of its own: a `nix.buildMachines`
 * definition that is not an empty list (`lib.mkForce [ ]` declares none, it removes them).
 */
export function buildMachinesDeclared(ctx: RuleContext): OptionDefinition | undefined {
  const path = ['nix', 'buildMachines'];
  return [...definitionsAt(ctx, path), ...definitionsElsewhere(ctx, path)].find(
    (d) => !d.module.nixos && !(d.value.kind === 'list' && d.value.items.length === 0),
  );
}

/** Host names that mean "this Mac" to ssh. */
export const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
