/**
 * A staged "Mac" (the CLI's --root) whose builder is configured the way nix-darwin writes it but
 * is DOWN: nothing listens on its port. The probes must name `builder-down` (or an earlier link)
 * and the test build must fail; that is the real behaviour the in-host tests assert.
 * Staged files name staged paths absolutely (src/probes/rootPaths.ts).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** nixpkgs' fixed builder-VM host key (docs/dev/domain.md#what-enabling-the-builder-generates), as nix-darwin pins it. */
const VM_HOST_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJBWcxb/Blaqt1auOtE+F8QUWrUotiC5qBJ+UuEWdVCb root@nixos';

export function stageDownBuilder(root: string, port: number): { root: string; system: string } {
  const system = process.arch === 'arm64' ? 'aarch64-linux' : 'x86_64-linux';
  for (const d of ['etc/nix', 'etc/ssh/ssh_config.d', 'var/root/.ssh'])
    mkdirSync(join(root, d), { recursive: true });
  const key = join(root, 'etc/nix/builder_ed25519');
  const keygen = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'builder', '-f', key], {
    encoding: 'utf8',
  });
  if (keygen.status !== 0) throw new Error(`ssh-keygen failed: ${keygen.stderr}`);
  chmodSync(key, 0o600);
  const hostKeyB64 = Buffer.from(VM_HOST_KEY).toString('base64');
  writeFileSync(
    join(root, 'etc/nix/machines'),
    `ssh-ng://builder@linux-builder ${system} ${key} 1 1 kvm,benchmark,big-parallel - ${hostKeyB64}\n`,
  );
  writeFileSync(
    join(root, 'etc/nix/nix.conf'),
    `builders = @${join(root, 'etc/nix/machines')}\nbuilders-use-substitutes = true\n`,
  );
  writeFileSync(join(root, 'etc/ssh/ssh_config'), `Include ${join(root, 'etc/ssh/ssh_config.d')}/*\n`);
  writeFileSync(
    join(root, 'etc/ssh/ssh_config.d/100-linux-builder.conf'),
    [
      'Host linux-builder',
      '  User builder',
      '  Hostname localhost',
      '  HostKeyAlias linux-builder',
      `  Port ${port}`,
      `  IdentityFile ${key}`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(root, 'var/root/.ssh/known_hosts'), `linux-builder ${VM_HOST_KEY}\n`);
  return { root, system };
}
