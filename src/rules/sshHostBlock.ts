/**
 * The Host block nix-darwin writes to /etc/ssh/ssh_config.d/100-linux-builder.conf (docs/dev/domain.md#what-enabling-the-builder-generates),
 * as Nix text for `environment.etc."ssh/ssh_config.d/100-linux-builder.conf".text`, for fixes that
 * must change its port, user or key (the module writes `Port 31022` literally).
 */
import {
  DEFAULT_BUILDER_KEY,
  DEFAULT_HOST_PORT,
  LINUX_BUILDER_SSH_CONFIG_FILE,
} from '../schema/nixDarwin.js';

export const SSH_CONFIG_FILE_OPTION = ['environment', 'etc', LINUX_BUILDER_SSH_CONFIG_FILE];

export function hostBlockNix({
  port = DEFAULT_HOST_PORT,
  user = 'builder',
  key = DEFAULT_BUILDER_KEY,
} = {}): string {
  return [
    "lib.mkForce ''",
    '  Host linux-builder',
    `    User ${user}`,
    '    Hostname localhost',
    '    HostKeyAlias linux-builder',
    `    Port ${port}`,
    `    IdentityFile ${key}`,
    "''",
  ].join('\n');
}
