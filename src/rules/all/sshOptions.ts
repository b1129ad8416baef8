/**
 * `ssh-options`: there is no `sshOptions` anywhere — not under `nix.linux-builder`, not in its VM
 * `config` (a NixOS module: "The option `sshOptions' does not exist"), not in `nix.buildMachines`.
 * Nix runs the system `ssh` and takes its settings from ssh_config, NIX_SSHOPTS or the store URI
 * (docs/dev/domain.md#how-nix-connects-to-a-remote-builder, docs/dev/domain.md#wrong-fixes).
 */
import type { ModuleInfo, OptionDefinition } from '../../nix/model.js';
import { EditChain } from '../../nix/editChain.js';
import { argumentInScope, nixString, nixStringList, type OffsetEdit } from '../../nix/print.js';
import { BUILDER_CONFIG_PATH } from '../../schema/index.js';
import { BUILDER_VM_HOST_KEY, DEFAULT_BUILDER_KEY } from '../../schema/nixDarwin.js';
import { addDefinitionAfter, removalChain, removeDefinition } from '../editing.js';
import {
  darwinModuleOf,
  definedAnywhere,
  definitionsAt,
  definitionsElsewhere,
  stringList,
  type OffsetFix,
  type Rule,
  type RuleContext,
  type RuleFinding,
} from '../rule.js';
import { builderEntryNix, knownHostsNix } from '../builderEntry.js';
import { PIN_NAME } from '../loopbackFixes.js';
import { builderVmPort } from '../vmPort.js';
import { builderVmSystem } from '../vmSystem.js';

/** The port, user and key an sshOptions list asks for, read from `-p`, `-l`, `-i` and `-o Key=Value`. */
export function readSshOptions(options: readonly string[]): { port?: number; user?: string; key?: string } {
  const out: { port?: number; user?: string; key?: string } = {};
  for (let i = 0; i < options.length; i++) {
    const flag = options[i] ?? '';
    const next = options[i + 1];
    const setting = (name: string, value: string) => {
      const lower = name.toLowerCase();
      if (lower === 'port' && /^\d+$/.test(value)) out.port = Number(value);
      if (lower === 'user') out.user = value;
      if (lower === 'identityfile') out.key = value;
    };
    if (flag === '-p' && next !== undefined) {
      setting('port', next);
      i++;
    } else if (flag === '-l' && next !== undefined) {
      setting('user', next);
      i++;
    } else if (flag === '-i' && next !== undefined) {
      setting('identityfile', next);
      i++;
    } else if (flag === '-o' && next !== undefined) {
      const [, key, value] = /^(\w+)[= ](.*)$/.exec(next) ?? [];
      if (key !== undefined && value !== undefined) setting(key, value);
      i++;
    } else if (flag.startsWith('-o')) {
      const [, key, value] = /^-o(\w+)[= ](.*)$/.exec(flag) ?? [];
      if (key !== undefined && value !== undefined) setting(key, value);
    } else if (/^-p\d+$/.test(flag)) setting('port', flag.slice(2));
  }
  return out;
}

const anywhere = (ctx: RuleContext, path: readonly string[]) => [
  ...definitionsAt(ctx, path),
  ...definitionsElsewhere(ctx, path),
];

/**
 * The Nix text of one field of nix-darwin's own entry for the builder, so a declared entry gives the
 * Mac what nix-darwin's would (modules/nix/linux-builder.nix: `inherit (cfg) maxJobs systems …`):
 * the user's literal value; `config.nix.linux-builder.<name>` for one we cannot read; the default
 * otherwise (where that depends on what we cannot read, the option itself again).
 */
function builderField(
  ctx: RuleContext,
  name: 'maxJobs' | 'systems' | 'supportedFeatures',
  fallback: () => string,
): string {
  const defs = anywhere(ctx, ['nix', 'linux-builder', name]);
  const literal = defs
    .filter((d) => !d.conditional)
    .map((d) =>
      d.value.kind === 'int' ? String(d.value.value) : stringList(d) && nixStringList(stringList(d)!),
    )
    .find((t) => t !== undefined);
  if (literal !== undefined && defs.length === 1) return literal;
  if (defs.length > 0) return `config.nix.linux-builder.${name}`;
  return fallback();
}

/** maxJobs defaults to the VM's `virtualisation.cores` (1 when unset: nixpkgs qemu-vm.nix). */
function coresOf(ctx: RuleContext): string {
  const cores = anywhere(ctx, [...BUILDER_CONFIG_PATH, 'virtualisation', 'cores']);
  if (cores.length === 0) return '1';
  const only = cores.length === 1 ? cores[0] : undefined;
  if (only?.value.kind === 'int' && !only.conditional) return String(only.value.value);
  return 'config.nix.linux-builder.maxJobs';
}

/** systems defaults to the VM's own system (the Mac's architecture, or the package's). */
function nativeSystems(ctx: RuleContext): string {
  const vm = builderVmSystem(ctx);
  if (vm.native) return nixStringList([vm.native]);
  return 'config.nix.linux-builder.systems';
}

/** `config.…` in the entry needs `config` among the module's arguments: the edits with the one that adds it. */
function withConfig(
  ctx: RuleContext,
  module: ModuleInfo,
  needed: boolean,
  edits: OffsetEdit[] | undefined,
): OffsetEdit[] | undefined {
  if (!edits || !needed) return edits;
  const chain = new EditChain(ctx.text);
  for (const e of [...argumentInScope(ctx.text, module, 'config'), ...edits].sort((a, b) => a.from - b.from))
    if (!chain.addOriginal(e)) return undefined;
  return chain.edits;
}

/** A fix that removes the sshOptions binding first, then makes each addition in the text that leaves. */
function afterRemoval(
  ctx: RuleContext,
  def: OptionDefinition,
  module: ModuleInfo,
  additions: readonly (readonly [string[], string])[],
): OffsetEdit[] | undefined {
  const chain = removalChain(ctx.text, def);
  for (const [path, value] of additions)
    if (!addDefinitionAfter(chain, ctx, module, path, value)) return undefined;
  return chain.edits;
}

/**
 * Removal, and for sshOptions of nix-darwin's builder two ways to a builder whose ssh does not
 * depend on the ssh_config.d Include: the legacy protocol (ssh's own error text in the build log),
 * and an entry for 127.0.0.1:<the VM's port> with the VM's host key pinned. That entry is added to
 * the list, never `lib.mkForce`d: a forced list would drop the builders other modules declare.
 * nix-darwin's own `linux-builder` entry stays; when it cannot connect, Nix says "cannot build on"
 * and takes the next machine (NixOS/nix src/nix/build-remote/build-remote.cc).
 */
function fixesFor(ctx: RuleContext, def: OptionDefinition): OffsetFix[] {
  const fixes: OffsetFix[] = [
    { title: 'Remove sshOptions', isPreferred: true, edits: [removeDefinition(ctx.text, def)] },
  ];
  if (def.path.includes('buildMachines')) return fixes;
  const module = darwinModuleOf(ctx, def);
  const protocol = definedAnywhere(ctx, ['nix', 'linux-builder', 'protocol'])
    ? undefined
    : afterRemoval(ctx, def, module, [[['nix', 'linux-builder', 'protocol'], nixString('ssh')]]);
  if (protocol)
    fixes.push({ title: 'Remove sshOptions and set protocol = "ssh"', isPreferred: false, edits: protocol });
  const given = def.value.kind === 'list' ? readSshOptions(stringList(def) ?? []) : {};
  // The port the VM really listens on (its hostPort), not the one the sshOptions guessed.
  const { port } = builderVmPort(ctx);
  const maxJobs = builderField(ctx, 'maxJobs', () => coresOf(ctx));
  const systems = builderField(ctx, 'systems', () => nativeSystems(ctx));
  const features = builderField(ctx, 'supportedFeatures', () =>
    nixStringList(['kvm', 'benchmark', 'big-parallel']),
  );
  const entry = builderEntryNix({
    // 127.0.0.1, not localhost: Nix 2.31.0–2.31.2 skip SSH for any localhost host and build on the Mac
    // (NixOS/nix#14148; docs/dev/domain.md#how-nix-connects-to-a-remote-builder).
    hostName: `127.0.0.1:${port}`,
    sshUser: given.user ?? 'builder',
    sshKey: given.key ?? DEFAULT_BUILDER_KEY,
    systems,
    maxJobs,
    supportedFeatures: features,
    hostKeyLine: BUILDER_VM_HOST_KEY,
  });
  const machines = withConfig(
    ctx,
    module,
    entry.includes('config.nix.linux-builder.'),
    afterRemoval(ctx, def, module, [
      [['nix', 'buildMachines'], `[\n${entry}\n]`],
      [
        ['programs', 'ssh', 'knownHosts', PIN_NAME],
        knownHostsNix(`[127.0.0.1]:${port}`, BUILDER_VM_HOST_KEY),
      ],
    ]),
  );
  if (machines && !definedAnywhere(ctx, ['programs', 'ssh', 'knownHosts', PIN_NAME, 'hostNames']))
    fixes.push({
      title: `Remove sshOptions; add builder 127.0.0.1:${port}, pinned (Nix 2.31+)`,
      isPreferred: false,
      edits: machines,
    });
  return fixes;
}

export const sshOptionsRule: Rule = {
  id: 'ssh-options',
  severity: 'error',
  reads: [['nix'], ['*', 'buildMachines'], ['programs', 'ssh'], ['virtualisation', 'darwin-builder']],
  docs: 'docs/rules/ssh-options.md',
  summary:
    "`sshOptions` anywhere: Nix has no SSH-options field. Fixes: remove it (nix-darwin already sets all of it), or `protocol = \"ssh\"`, or add a `nix.buildMachines` entry `127.0.0.1:<the VM's port>` with its host key pinned (Nix 2.31+; added to the list, other modules' builders kept, maxJobs/systems as the builder's)",
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const def of ctx.located.definitions) {
      const last = def.path[def.path.length - 1];
      if (last !== 'sshOptions') continue;
      const underBuilder =
        def.path[0] === 'nix' && (def.path[1] === 'linux-builder' || def.path[1] === 'buildMachines');
      if (!underBuilder) continue;
      const where = def.path.includes('config')
        ? "nix.linux-builder.config is the VM's own NixOS configuration, which has no sshOptions either: darwin-rebuild stops."
        : 'darwin-rebuild stops: the module system reports that the option sshOptions does not exist.';
      findings.push({
        span: def.nameSpan,
        severity: 'error',
        message: 'sshOptions is not an option: Nix has no SSH-options field, so darwin-rebuild stops.',
        detail: `${where} Nix runs the system ssh as root, which already gets user, port, HostKeyAlias and key for linux-builder from /etc/ssh/ssh_config.d/100-linux-builder.conf (when /etc/ssh/ssh_config includes it, or root's ~/.ssh/config does). Other settings go in ssh_config, NIX_SSHOPTS or the store URI.`,
        fixes: fixesFor(ctx, def),
      });
    }
    return findings;
  },
};
