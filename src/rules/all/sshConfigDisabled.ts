/**
 * `ssh-config-disabled`: disabling /etc/ssh/ssh_config.d/100-linux-builder.conf removes the only
 * mapping of `linux-builder` to localhost:31022 (user, HostKeyAlias, key); nothing replaces it
 * (docs/dev/domain.md#wrong-fixes). What fixes the corporate case is giving root the Host block, not removing it.
 */
import { LINUX_BUILDER_SSH_CONFIG_FILE } from '../../schema/nixDarwin.js';
import { boolAt, type Rule } from '../rule.js';
import { removeDefinition } from '../editing.js';

export const sshConfigDisabledRule: Rule = {
  id: 'ssh-config-disabled',
  severity: 'warning',
  reads: [
    // Only the builder's ssh_config file: not every other /etc file a configuration writes.
    ['environment', 'etc', LINUX_BUILDER_SSH_CONFIG_FILE],
    ['nix', 'linux-builder'],
  ],
  docs: 'docs/rules/ssh-config-disabled.md',
  summary:
    'disabling `/etc/ssh/ssh_config.d/100-linux-builder.conf`, the only `linux-builder` → localhost:31022 mapping',
  check(ctx) {
    const off = boolAt(ctx, ['environment', 'etc', LINUX_BUILDER_SSH_CONFIG_FILE, 'enable'], false);
    if (!off) return [];
    return [
      {
        span: off.nameSpan,
        severity: 'warning',
        message:
          "Disabling the builder's ssh_config.d file removes the only mapping of linux-builder to the VM: ssh to it fails.",
        detail:
          `/etc/${LINUX_BUILDER_SSH_CONFIG_FILE} is the only thing that maps linux-builder to localhost port 31022 with user builder, HostKeyAlias and key /etc/nix/builder_ed25519; nothing replaces it. ` +
          'If /etc/ssh/ssh_config is managed (Chef/MDM) and lacks the Include, give root the Host block instead: put "Include /etc/ssh/ssh_config.d/100-linux-builder.conf" at the top of /var/root/.ssh/config.',
        fixes: [
          {
            title: `Keep /etc/${LINUX_BUILDER_SSH_CONFIG_FILE} (remove this line)`,
            isPreferred: true,
            edits: [removeDefinition(ctx.text, off)],
          },
        ],
      },
    ];
  },
};
