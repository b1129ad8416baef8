/** The few nix-darwin options around the builder that the rules read (docs/dev/domain.md#what-enabling-the-builder-generates, docs/dev/domain.md#the-machines-file-and-buildmachines, docs/dev/domain.md#determinate-nix). */
import { NIX_DARWIN_NIX_MODULE as SRC } from './sources.js';
import type { OptionDoc } from './types.js';

export const NIX_DARWIN_OPTIONS: readonly OptionDoc[] = [
  {
    path: ['nix', 'enable'],
    type: 'boolean',
    shape: { kind: 'bool' },
    default: 'true',
    source: SRC,
    doc: 'Let nix-darwin manage Nix. `nix.linux-builder.enable` requires it; Determinate Nix requires it to be false.',
  },
  {
    path: ['nix', 'distributedBuilds'],
    type: 'boolean',
    shape: { kind: 'bool' },
    default: 'false (true when nix.linux-builder.enable)',
    source: SRC,
    doc: 'Use `nix.buildMachines`. When false, nix-darwin writes `builders =` and the machines file is ignored.',
  },
  {
    path: ['nix', 'linux-builder'],
    type: 'submodule',
    shape: { kind: 'any' },
    source: SRC,
    doc: "nix-darwin's Linux builder VM.",
  },
  {
    path: ['nix', 'buildMachines'],
    type: 'list of submodule',
    shape: { kind: 'any' },
    default: '[ ]',
    source: SRC,
    doc: 'Remote builders, written to /etc/nix/machines. nix-darwin adds the linux-builder entry itself.',
  },
];

/** The ssh_config file nix-darwin writes for the builder (docs/dev/domain.md#what-enabling-the-builder-generates). */
export const LINUX_BUILDER_SSH_CONFIG_FILE = 'ssh/ssh_config.d/100-linux-builder.conf';

/** nixpkgs' fixed, public host key of the builder VM (docs/dev/domain.md#what-enabling-the-builder-generates). */
export const BUILDER_VM_HOST_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJBWcxb/Blaqt1auOtE+F8QUWrUotiC5qBJ+UuEWdVCb root@nixos';

export const DEFAULT_HOST_PORT = 31022;
export const DEFAULT_BUILDER_KEY = '/etc/nix/builder_ed25519';
