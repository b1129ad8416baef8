/**
 * What a configuration gives the Mac, read statically after a fix: the `nix.buildMachines` entries
 * (host, port, user, maxJobs, systems, protocol), with which priority the list is defined, and the
 * host-key pins (`programs.ssh.knownHosts`) with whether they sit in the Mac's (darwin) module or in
 * a NixOS module. Tests of fixes check these, not only that the fixed text parses.
 */
import { locate } from '../../src/nix/locate.js';
import type { OptionDefinition, Priority } from '../../src/nix/model.js';
import { parseNix } from '../../src/nix/parse.js';
import { itemAt } from './itemAt.js';

export interface ResultingEntry {
  hostName?: string | undefined;
  /** The port in hostName (`127.0.0.1:31022`), when there is one. */
  port?: number;
  sshUser?: string | null | undefined;
  maxJobs?: number | undefined;
  systems?: string[];
  protocol?: string | null;
  /** The priority of the `nix.buildMachines` definition holding it (`mkForce` drops other modules' builders). */
  listPriority: Priority;
}

export interface ResultingPin {
  hostNames: string[];
  inNixosModule: boolean;
}

function literal(def: OptionDefinition | undefined): unknown {
  if (!def) return undefined;
  const v = def.value;
  if (v.kind === 'string') return v.value;
  if (v.kind === 'int' || v.kind === 'bool') return v.value;
  if (v.kind === 'null') return null;
  if (v.kind === 'list') return v.items.map((i) => (i.kind === 'string' ? i.value : undefined));
  return undefined;
}

export function resultingMachines(text: string): ResultingEntry[] {
  const { definitions } = locate(parseNix(text));
  const lists = definitions.filter((d) => d.path.join('.') === 'nix.buildMachines' && !d.module.nixos);
  const fields = definitions.filter(
    (d) =>
      d.path.length === 4 &&
      d.path[0] === 'nix' &&
      d.path[1] === 'buildMachines' &&
      d.entrySpan &&
      !d.module.nixos,
  );
  const byEntry = new Map<string, OptionDefinition[]>();
  for (const d of fields) {
    const key = `${d.entrySpan!.from}`;
    byEntry.set(key, [...(byEntry.get(key) ?? []), d]);
  }
  return [...byEntry.values()].map((defs) => {
    const get = (name: string) => literal(defs.find((d) => d.path[3] === name));
    const hostName = get('hostName') as string | undefined;
    const port = hostName && /:(\d+)$/.test(hostName) ? Number(/:(\d+)$/.exec(hostName)![1]) : undefined;
    const entryFrom = itemAt(defs, 0).entrySpan!.from;
    const list = lists.find((l) => l.value.span.from <= entryFrom && l.value.span.to >= entryFrom);
    const entry: ResultingEntry = {
      hostName,
      sshUser: get('sshUser') as string | null | undefined,
      maxJobs: get('maxJobs') as number | undefined,
      listPriority: list?.priority ?? 'normal',
    };
    if (port !== undefined) entry.port = port;
    const systems = get('systems') as string[] | undefined;
    if (systems) entry.systems = systems;
    const protocol = get('protocol');
    if (protocol !== undefined) entry.protocol = protocol as string | null;
    return entry;
  });
}

export function resultingPins(text: string): ResultingPin[] {
  const { definitions } = locate(parseNix(text));
  return definitions
    .filter(
      (d) =>
        d.path.length === 5 &&
        d.path.slice(0, 3).join('.') === 'programs.ssh.knownHosts' &&
        d.path[4] === 'hostNames',
    )
    .map((d) => ({ hostNames: (literal(d) as string[]) ?? [], inNixosModule: d.module.nixos === true }));
}
