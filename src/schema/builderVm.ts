/**
 * The builder VM's own options, set through `nix.linux-builder.config` (a NixOS module):
 * nixpkgs nixos/modules/profiles/nix-builder-vm.nix (docs/dev/domain.md#builder-vm-options).
 */
import { NIXPKGS_BUILDER_VM as SRC } from './sources.js';
import type { MisplacedOption, OptionDoc } from './types.js';

const CONFIG = ['nix', 'linux-builder', 'config'];
const VM = [...CONFIG, 'virtualisation', 'darwin-builder'];

export const BUILDER_VM_OPTIONS: readonly OptionDoc[] = [
  // diskSize, memorySize and hostPort are plain types.int in nix-builder-vm.nix: 0 is no type error.
  {
    path: [...VM, 'diskSize'],
    type: 'integer (MiB)',
    shape: { kind: 'int' },
    default: '20480',
    source: SRC,
    doc: 'Size of the VM disk in MiB.',
  },
  {
    path: [...VM, 'memorySize'],
    type: 'integer (MiB)',
    shape: { kind: 'int' },
    default: '3072',
    source: SRC,
    doc: 'Memory of the VM in MiB.',
  },
  {
    path: [...VM, 'min-free'],
    type: 'integer (bytes)',
    shape: { kind: 'int' },
    default: '1024 * 1024 * 1024',
    source: SRC,
    doc: 'Garbage-collect in the VM when free space falls below this.',
  },
  {
    path: [...VM, 'max-free'],
    type: 'integer (bytes)',
    shape: { kind: 'int' },
    default: '3 * 1024 * 1024 * 1024',
    source: SRC,
    doc: 'Stop garbage collection once this much is free.',
  },
  {
    path: [...VM, 'workingDirectory'],
    type: 'string',
    shape: { kind: 'string' },
    default: '"."',
    source: SRC,
    doc: 'Where the VM keeps its state; nix-darwin leaves it to its own workingDirectory.',
  },
  {
    path: [...VM, 'hostPort'],
    type: 'integer',
    shape: { kind: 'int' },
    default: '31022',
    source: SRC,
    doc: "Host port forwarded to the VM's sshd. Port 31022 is also written literally in /etc/ssh/ssh_config.d/100-linux-builder.conf: change that file too, or SSH breaks.",
  },
  {
    path: [...CONFIG, 'virtualisation', 'cores'],
    type: 'positive integer',
    shape: { kind: 'int', positive: true },
    default: '1',
    source: SRC,
    doc: 'CPU cores of the VM (also the default of nix.linux-builder.maxJobs).',
  },
  {
    path: [...CONFIG, 'boot', 'binfmt', 'emulatedSystems'],
    type: 'list of string',
    shape: { kind: 'listOfString' },
    default: '[ ]',
    source: SRC,
    doc: 'Systems the VM can build for by emulation; `[ "x86_64-linux" ]` lets an Apple-silicon builder build x86_64-linux.',
  },
];

/** Top-level NixOS option namespaces valid directly under `config` (the VM is a NixOS system). */
export const NIXOS_TOP_LEVEL = new Set([
  'appstream',
  'assertions',
  'boot',
  'console',
  'containers',
  'documentation',
  'dysnomia',
  'environment',
  'fileSystems',
  'fonts',
  'gtk',
  'hardware',
  'i18n',
  'imports',
  'ids',
  'isSpecialisation',
  'jobs',
  'krb5',
  'lib',
  'location',
  'meta',
  'nesting',
  'networking',
  'nix',
  'nixpkgs',
  'oci',
  'openstack',
  'power',
  'powerManagement',
  'programs',
  'qt',
  'security',
  'services',
  'snapraid',
  'sound',
  'specialisation',
  'swapDevices',
  'system',
  'systemd',
  'time',
  'users',
  'virtualisation',
  'warnings',
  'xdg',
  'zramSwap',
  'image',
  'disabledModules',
  'options',
  'config',
  '_module',
  'stubby',
  'virtualbox',
]);

/** What people put directly under `config` that belongs elsewhere in the VM's options. */
export const BUILDER_CONFIG_MISPLACED: readonly MisplacedOption[] = [
  {
    path: [...CONFIG, 'diskSize'],
    correctPath: [...VM, 'diskSize'],
    advice: 'The VM disk size is virtualisation.darwin-builder.diskSize inside config.',
  },
  {
    path: [...CONFIG, 'memorySize'],
    correctPath: [...VM, 'memorySize'],
    advice: 'VM memory is virtualisation.darwin-builder.memorySize inside config.',
  },
  {
    path: [...CONFIG, 'hostPort'],
    correctPath: [...VM, 'hostPort'],
    advice: 'The forwarded port is virtualisation.darwin-builder.hostPort inside config.',
  },
  {
    path: [...CONFIG, 'cores'],
    correctPath: [...CONFIG, 'virtualisation', 'cores'],
    advice: 'VM CPU count is virtualisation.cores inside config.',
  },
];
