/** The `nix.buildMachines` entries of a file, one object per list element, for the entry rules. */
import type { AttrSetInfo, OptionDefinition } from '../nix/model.js';
import { entries, stringValue, type RuleContext } from './rule.js';

export interface MachineEntry {
  fields: Map<string, OptionDefinition>;
  set?: AttrSetInfo;
  hostName?: OptionDefinition;
  hostNameValue?: string;
}

export function machineEntries(ctx: RuleContext): MachineEntry[] {
  const defs = ctx.located.definitions.filter((d) => d.path.length === 4 && d.path[0] === 'nix' && d.path[1] === 'buildMachines' && d.path[2] === '*');
  return [...entries(defs).values()].map((fields) => {
    const byName = new Map(fields.map((d) => [d.path[3] ?? '', d]));
    const entrySpan = fields[0]?.entrySpan;
    const set = ctx.located.attrsets.find((s) => s.entrySpan && entrySpan && s.entrySpan.from === entrySpan.from && s.entrySpan.to === entrySpan.to);
    const hostName = byName.get('hostName');
    return { fields: byName, set, hostName, hostNameValue: hostName ? stringValue(hostName) : undefined };
  });
}

/** Host names that mean "this Mac" to ssh. */
export const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
