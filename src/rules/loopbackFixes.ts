/**
 * The fixes that point a `nix.buildMachines` entry at the builder VM on this Mac, judged by what
 * the whole configuration gives the Mac (docs/dev/domain.md#how-nix-connects-to-a-remote-builder):
 * - `linux-builder`: nix-darwin's ssh alias (Port 31022, HostKeyAlias) exists only while
 *   `nix.linux-builder` is enabled (modules/nix/linux-builder.nix writes its Host block then);
 * - `127.0.0.1:<port>` with the VM's host key pinned as `[127.0.0.1]:<port>`: a port in the store URI
 *   needs Nix 2.31, and unlike `localhost:<port>` (Nix 2.31.0–2.31.2 skip SSH for any localhost host,
 *   NixOS/nix#14148, fixed in 2.31.3) it works from 2.31.0. The pin goes in the Mac's own module.
 */
import { insertIntoSet, nixString, type OffsetEdit } from '../nix/print.js';
import { BUILDER_VM_HOST_KEY } from '../schema/nixDarwin.js';
import { knownHostsNix } from './builderEntry.js';
import { addDefinition } from './editing.js';
import type { MachineEntry } from './machineEntries.js';
import {
  darwinModuleOf,
  definitionsElsewhere,
  definitionsUnder,
  type OffsetFix,
  type RuleContext,
} from './rule.js';
import type { VmPort } from './vmPort.js';

export const PIN_NAME = 'linux-builder-vm';
const PIN_PATH = ['programs', 'ssh', 'knownHosts', PIN_NAME];

/** `programs.ssh.knownHosts.linux-builder-vm` for `[127.0.0.1]:<port>`, unless that name is taken. */
export function pinEdit(ctx: RuleContext, entry: MachineEntry, host: string): OffsetEdit | undefined {
  const anchor = entry.hostName;
  if (!anchor) return undefined;
  const taken =
    definitionsUnder(ctx, PIN_PATH).length > 0 ||
    ['hostNames', 'publicKey'].some((f) => definitionsElsewhere(ctx, [...PIN_PATH, f]).length > 0);
  if (taken) return undefined;
  return addDefinition(ctx, darwinModuleOf(ctx, anchor), PIN_PATH, knownHostsNix(host, BUILDER_VM_HOST_KEY));
}

/** The edits that set the entry's hostName (and its sshUser to `builder` when it has none). */
function hostEdits(
  ctx: RuleContext,
  entry: MachineEntry,
  host: string,
  addUser: boolean,
): OffsetEdit[] | undefined {
  const span = entry.hostName?.value.span;
  if (!span) return undefined;
  const edits: OffsetEdit[] = [{ from: span.from, to: span.to, newText: nixString(host) }];
  if (addUser) {
    if (!entry.set) return undefined;
    edits.push(insertIntoSet(ctx.text, entry.set, ['sshUser'], nixString('builder')));
  }
  return edits;
}

/**
 * Fixes that send the entry to the VM the configuration runs: the alias when nix-darwin's builder
 * is on, and `127.0.0.1:<port>` pinned. `addUser`: the entry has no sshUser (the VM's user is `builder`).
 */
export function loopbackFixes(
  ctx: RuleContext,
  entry: MachineEntry,
  vm: VmPort,
  addUser: boolean,
): OffsetFix[] {
  const fixes: OffsetFix[] = [];
  const user = addUser ? ' and sshUser "builder"' : '';
  if (vm.vm === 'linux-builder') {
    const edits = hostEdits(ctx, entry, 'linux-builder', addUser);
    if (edits)
      fixes.push({
        title: `Use hostName "linux-builder"${user} (any Nix version)`,
        isPreferred: true,
        edits,
      });
  }
  const host = vm.port === 22 ? '127.0.0.1' : `127.0.0.1:${vm.port}`;
  const pinned = vm.port === 22 ? '127.0.0.1' : `[127.0.0.1]:${vm.port}`;
  const edits = hostEdits(ctx, entry, host, addUser);
  const pin = pinEdit(ctx, entry, pinned);
  if (edits && pin) {
    fixes.push({
      title: `Use "${host}"${addUser ? ', sshUser "builder"' : ''}, pin its host key${vm.port === 22 ? '' : ' (Nix 2.31+)'}`,
      isPreferred: fixes.length === 0,
      edits: [...edits, pin],
    });
  }
  return fixes;
}
