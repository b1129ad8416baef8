/**
 * `host-port-mismatch`: the VM's `hostPort` changed, but nix-darwin writes `Port 31022` literally in
 * /etc/ssh/ssh_config.d/100-linux-builder.conf, so ssh still goes to 31022 (docs/dev/domain.md#what-enabling-the-builder-generates).
 */
import { libInScope } from '../../nix/print.js';
import { BUILDER_VM_PATH } from '../../schema/index.js';
import { DEFAULT_HOST_PORT, LINUX_BUILDER_SSH_CONFIG_FILE } from '../../schema/nixDarwin.js';
import { hostBlockNix, SSH_CONFIG_FILE_OPTION } from '../sshHostBlock.js';
import { addDefinition } from '../editing.js';
import { darwinModuleOf, definedAnywhere, definitionsAt, type Rule } from '../rule.js';
import { builderMayRun } from '../builderState.js';

const SSH_FILE = SSH_CONFIG_FILE_OPTION;

export const hostPortMismatchRule: Rule = {
  id: 'host-port-mismatch',
  severity: 'warning',
  reads: [
    ['nix', 'linux-builder'],
    // Only the builder's ssh_config file: not every other /etc file a configuration writes.
    SSH_FILE,
  ],
  docs: 'docs/rules/host-port-mismatch.md',
  summary: 'a changed VM `hostPort` while the ssh config still says `Port 31022`',
  check(ctx) {
    if (!builderMayRun(ctx)) return []; // a builder that is off runs no VM (builderState.ts)
    const overridden = ['text', 'source'].some((leaf) => definedAnywhere(ctx, [...SSH_FILE, leaf]));
    if (overridden) return [];
    return definitionsAt(ctx, [...BUILDER_VM_PATH, 'hostPort'])
      .filter((def) => def.value.kind === 'int' && def.value.value !== DEFAULT_HOST_PORT)
      .map((def) => {
        const port = def.value.kind === 'int' ? def.value.value : DEFAULT_HOST_PORT;
        const module = darwinModuleOf(ctx, def);
        const add = addDefinition(ctx, module, [...SSH_FILE, 'text'], hostBlockNix({ port }));
        return {
          span: def.nameSpan,
          severity: 'warning' as const,
          message: `ssh to linux-builder still goes to port ${DEFAULT_HOST_PORT}: nix-darwin's Host block does not follow the VM to port ${port}.`,
          detail: `nix-darwin writes "Port ${DEFAULT_HOST_PORT}" literally in /etc/${LINUX_BUILDER_SSH_CONFIG_FILE}, whatever hostPort says, so ssh still goes to port ${DEFAULT_HOST_PORT} and fails. Override that file with the new port too (lib.mkForce: the option is types.lines and would otherwise be joined to nix-darwin's block).`,
          fixes: add
            ? [
                {
                  title: `Write /etc/${LINUX_BUILDER_SSH_CONFIG_FILE} with Port ${port}`,
                  isPreferred: true,
                  edits: [add, ...libInScope(ctx.text, module)],
                },
              ]
            : [],
        };
      });
  },
};
