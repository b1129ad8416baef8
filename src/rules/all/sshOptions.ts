/**
 * `ssh-options`: there is no `sshOptions` anywhere — not under `nix.linux-builder`, not in its VM
 * `config` (a NixOS module: "The option `sshOptions' does not exist"), not in `nix.buildMachines`.
 * Nix runs the system `ssh` and takes its settings from ssh_config, NIX_SSHOPTS or the store URI
 * (docs/dev/domain.md#how-nix-connects-to-a-remote-builder, docs/dev/domain.md#wrong-fixes).
 */
import { EditChain } from '../../nix/editChain.js';
import type { ModuleInfo, OptionDefinition } from '../../nix/model.js';
import { libInScope, nixString, type OffsetEdit } from '../../nix/print.js';
import { BUILDER_VM_HOST_KEY, DEFAULT_BUILDER_KEY, DEFAULT_HOST_PORT } from '../../schema/nixDarwin.js';
import { addDefinitionAfter, removalChain, removeDefinition } from '../editing.js';
import {
  darwinModuleOf,
  definedAnywhere,
  definitionsAt,
  stringList,
  type OffsetFix,
  type Rule,
  type RuleContext,
  type RuleFinding,
} from '../rule.js';
import { builderEntryNix, knownHostsNix } from '../builderEntry.js';
import { hostBlockNix, SSH_CONFIG_FILE_OPTION } from '../sshHostBlock.js';

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
      const m = /^(\w+)[= ](.*)$/.exec(next);
      if (m) setting(m[1], m[2]);
      i++;
    } else if (flag.startsWith('-o')) {
      const m = /^-o(\w+)[= ](.*)$/.exec(flag);
      if (m) setting(m[1], m[2]);
    } else if (/^-p\d+$/.test(flag)) setting('port', flag.slice(2));
  }
  return out;
}

function systemsOf(ctx: RuleContext): string[] {
  for (const d of definitionsAt(ctx, ['nix', 'linux-builder', 'systems'])) {
    const list = stringList(d);
    if (list) return list;
  }
  return ['aarch64-linux'];
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

/** `lib.…` needs `lib` in scope: the edits that bring it, against the original text. */
function withLib(
  ctx: RuleContext,
  module: ModuleInfo,
  edits: OffsetEdit[] | undefined,
): OffsetEdit[] | undefined {
  if (!edits) return undefined;
  const chain = new EditChain(ctx.text);
  for (const e of [...libInScope(ctx.text, module), ...edits].sort((a, b) => a.from - b.from))
    if (!chain.addOriginal(e)) return undefined;
  return chain.edits;
}

function fixesFor(ctx: RuleContext, def: OptionDefinition): OffsetFix[] {
  const fixes: OffsetFix[] = [
    {
      title:
        'Remove sshOptions: nix-darwin already sets the user, host name, port, HostKeyAlias and key (ssh_config.d Host block) and pins the host key',
      isPreferred: true,
      edits: [removeDefinition(ctx.text, def)],
    },
  ];
  if (!def.path.includes('buildMachines')) {
    const module = darwinModuleOf(ctx, def);
    const hasProtocol = definedAnywhere(ctx, ['nix', 'linux-builder', 'protocol']);
    const protocol = hasProtocol
      ? undefined
      : afterRemoval(ctx, def, module, [[['nix', 'linux-builder', 'protocol'], nixString('ssh')]]);
    if (protocol) {
      fixes.push({
        title:
          'Remove sshOptions and set protocol = "ssh" (legacy protocol: ssh\'s own error text reaches the build log; it reads the same ssh config)',
        isPreferred: false,
        edits: protocol,
      });
    }
    const given = def.value.kind === 'list' ? readSshOptions(stringList(def) ?? []) : {};
    const port = given.port ?? DEFAULT_HOST_PORT;
    const entry = builderEntryNix({
      // 127.0.0.1, not localhost: Nix 2.31.0–2.31.2 skip SSH for any localhost host and build on the Mac
      // (NixOS/nix#14148; docs/dev/domain.md#how-nix-connects-to-a-remote-builder).
      hostName: `127.0.0.1:${port}`,
      sshUser: given.user ?? 'builder',
      sshKey: given.key ?? DEFAULT_BUILDER_KEY,
      systems: systemsOf(ctx),
      hostKeyLine: BUILDER_VM_HOST_KEY,
    });
    const machines = withLib(
      ctx,
      module,
      afterRemoval(ctx, def, module, [
        [['nix', 'buildMachines'], `lib.mkForce [\n${entry}\n]`],
        [
          ['programs', 'ssh', 'knownHosts', 'linux-builder-vm'],
          knownHostsNix(`[127.0.0.1]:${port}`, BUILDER_VM_HOST_KEY),
        ],
      ]),
    );
    if (machines) {
      fixes.push({
        title: `Declare the builder in nix.buildMachines as 127.0.0.1:${port} with its host key pinned (needs Nix 2.31 or later; works without the ssh_config.d Include)`,
        isPreferred: false,
        edits: machines,
      });
    }
    // The HostKeyAlias route works on any Nix: the entry names the `linux-builder` alias, whose Host
    // block maps it to localhost:<port> with HostKeyAlias, so the pinned key matches. It relies on
    // root's ssh reading that block (the corporate case is exactly when it does not).
    const user = given.user ?? 'builder';
    const key = given.key ?? DEFAULT_BUILDER_KEY;
    const custom = port !== DEFAULT_HOST_PORT || user !== 'builder' || key !== DEFAULT_BUILDER_KEY;
    const aliasEntry = builderEntryNix({
      hostName: 'linux-builder',
      sshUser: user,
      sshKey: key,
      systems: systemsOf(ctx),
      hostKeyLine: BUILDER_VM_HOST_KEY,
    });
    const overridden = ['text', 'source'].some((leaf) =>
      definedAnywhere(ctx, [...SSH_CONFIG_FILE_OPTION, leaf]),
    );
    const rewriteBlock = custom && !overridden;
    const additions: [string[], string][] = [[['nix', 'buildMachines'], `lib.mkForce [\n${aliasEntry}\n]`]];
    if (rewriteBlock)
      additions.push([[...SSH_CONFIG_FILE_OPTION, 'text'], hostBlockNix({ port, user, key })]);
    const alias = withLib(ctx, module, afterRemoval(ctx, def, module, additions));
    if (alias) {
      fixes.push({
        title: `Declare the builder in nix.buildMachines as linux-builder with its host key pinned through HostKeyAlias (any Nix version; root's ssh must read the ssh_config.d Host block${rewriteBlock ? `, rewritten with port ${port}, user ${user} and key ${key}` : ''})`,
        isPreferred: false,
        edits: alias,
      });
    }
  }
  return fixes;
}

export const sshOptionsRule: Rule = {
  id: 'ssh-options',
  severity: 'error',
  reads: [['nix'], ['*', 'buildMachines'], ['programs', 'ssh'], ['virtualisation', 'darwin-builder']],
  docs: 'docs/rules/ssh-options.md',
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const def of ctx.located.definitions) {
      const last = def.path[def.path.length - 1];
      if (last !== 'sshOptions') continue;
      const underBuilder =
        def.path[0] === 'nix' && (def.path[1] === 'linux-builder' || def.path[1] === 'buildMachines');
      if (!underBuilder) continue;
      const where = def.path.includes('config')
        ? '`nix.linux-builder.config` is the VM\'s own NixOS configuration, so darwin-rebuild fails with "The option `sshOptions\' does not exist".'
        : 'darwin-rebuild fails with "The option `sshOptions\' does not exist".';
      findings.push({
        span: def.nameSpan,
        severity: 'error',
        message: `sshOptions does not exist: Nix has no SSH-options field. ${where} Nix runs the system ssh as root, which already gets user, port, HostKeyAlias and key for linux-builder from /etc/ssh/ssh_config.d/100-linux-builder.conf (when /etc/ssh/ssh_config Includes it, or root's ~/.ssh/config does). Other settings go in ssh_config, NIX_SSHOPTS or the store URI.`,
        fixes: fixesFor(ctx, def),
      });
    }
    return findings;
  },
};
