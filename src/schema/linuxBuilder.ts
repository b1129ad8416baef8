/**
 * `nix.linux-builder.*` — the complete list (nix-darwin modules/nix/linux-builder.nix, docs/dev/domain.md#builder-options).
 */
import { NIX_DARWIN_LINUX_BUILDER as SRC } from './sources.js';
import type { MisplacedOption, OptionDoc } from './types.js';

const P = ['nix', 'linux-builder'];

export const LINUX_BUILDER_OPTIONS: readonly OptionDoc[] = [
  {
    path: [...P, 'enable'],
    type: 'boolean',
    shape: { kind: 'bool' },
    default: 'false',
    source: SRC,
    doc: 'Run a NixOS VM (launchd daemon `org.nixos.linux-builder`) and register it as the remote builder `ssh-ng://builder@linux-builder`. Requires `nix.enable`.',
  },
  {
    path: [...P, 'package'],
    type: 'package',
    shape: { kind: 'any' },
    default: 'pkgs.darwin.linux-builder',
    source: SRC,
    doc: 'The VM to run. Normally derived from `config`; rarely set by hand.',
  },
  {
    path: [...P, 'config'],
    type: 'deferred module (a NixOS module for the VM guest)',
    shape: { kind: 'any' },
    default: '{ }',
    source: SRC,
    doc: 'NixOS configuration of the VM itself (e.g. `virtualisation.darwin-builder.memorySize`). Changing it makes a new VM image, which has to be built on Linux when the binary cache does not have it: enable the builder unmodified first, then customise.',
  },
  {
    path: [...P, 'ephemeral'],
    type: 'boolean',
    shape: { kind: 'bool' },
    default: 'false',
    source: SRC,
    doc: 'Delete `<workingDirectory>/nixos.qcow2` before each start, so the VM always boots fresh.',
  },
  {
    path: [...P, 'maxJobs'],
    type: 'positive integer',
    shape: { kind: 'int', positive: true },
    default: "the VM's virtualisation.cores (1)",
    source: SRC,
    doc: 'How many builds the daemon sends to the VM at once.',
  },
  {
    path: [...P, 'protocol'],
    // nix-darwin declares it types.str, but passes it to its nix.buildMachines entry, whose protocol is
    // types.enum [ null "ssh" "ssh-ng" ] (modules/nix/default.nix): another string fails evaluation there.
    type: 'string; its nix.buildMachines entry accepts only "ssh-ng" or "ssh"',
    shape: { kind: 'enum', values: ['ssh-ng', 'ssh'] },
    default: '"ssh-ng"',
    source: SRC,
    doc: 'Store protocol. Both run the system OpenSSH `ssh` and read the same ssh config (as root, through the daemon); with "ssh", ssh\'s own error text reaches the build log.',
  },
  {
    path: [...P, 'speedFactor'],
    type: 'positive integer',
    shape: { kind: 'int', positive: true },
    default: '1',
    source: SRC,
    doc: 'Preference of this builder over others.',
  },
  {
    path: [...P, 'supportedFeatures'],
    type: 'list of string',
    shape: { kind: 'listOfString' },
    default: '[ "kvm" "benchmark" "big-parallel" ]',
    source: SRC,
    doc: 'System features the builder offers.',
  },
  {
    path: [...P, 'mandatoryFeatures'],
    type: 'list of string',
    shape: { kind: 'listOfString' },
    default: '[ ]',
    source: SRC,
    doc: 'Features a derivation must require to be sent here.',
  },
  {
    path: [...P, 'systems'],
    type: 'list of string',
    shape: { kind: 'listOfString' },
    default: 'the guest system (aarch64-linux on Apple silicon)',
    source: SRC,
    doc: 'Systems Nix sends to the builder. The default QEMU VM builds only its own system; adding "x86_64-linux" on Apple silicon also needs `config.boot.binfmt.emulatedSystems = [ "x86_64-linux" ]` (or the linux-builder-x86_64 / linux-builder-vz package).',
  },
  {
    path: [...P, 'workingDirectory'],
    type: 'string',
    shape: { kind: 'string' },
    default: '"/var/lib/linux-builder"',
    source: SRC,
    doc: 'Where the VM disk and its keys live. Setting `enable = false` later deletes this directory.',
  },
];

/** `nix.linux-builder.modules` was removed upstream in favour of `config`. */
export const LINUX_BUILDER_REMOVED: readonly MisplacedOption[] = [
  {
    path: [...P, 'modules'],
    correctPath: [...P, 'config', 'imports'],
    advice: 'This option has been replaced with nix.linux-builder.config; put the modules in config.imports.',
  },
];

const vm = (name: string) => [...P, 'config', 'virtualisation', 'darwin-builder', name];
const fixedBy = (what: string) =>
  `nix-darwin fixes it (${what}) in the Host block of /etc/ssh/ssh_config.d/100-linux-builder.conf and the generated nix.buildMachines entry. To reach a different builder, declare it in nix.buildMachines.`;

/** Options people write under `nix.linux-builder` that never existed (docs/dev/domain.md#builder-options, docs/dev/domain.md#wrong-fixes). */
export const LINUX_BUILDER_MISPLACED: readonly MisplacedOption[] = [
  {
    path: [...P, 'hostPort'],
    correctPath: vm('hostPort'),
    advice:
      'The forwarded SSH port is a VM option: nix.linux-builder.config.virtualisation.darwin-builder.hostPort. Port 31022 is also written literally in /etc/ssh/ssh_config.d/100-linux-builder.conf, so change that file too.',
  },
  {
    path: [...P, 'memorySize'],
    correctPath: vm('memorySize'),
    advice: 'VM memory (MiB) is nix.linux-builder.config.virtualisation.darwin-builder.memorySize.',
  },
  {
    path: [...P, 'diskSize'],
    correctPath: vm('diskSize'),
    advice: 'VM disk size (MiB) is nix.linux-builder.config.virtualisation.darwin-builder.diskSize.',
  },
  {
    path: [...P, 'cores'],
    correctPath: [...P, 'config', 'virtualisation', 'cores'],
    advice: 'VM CPU count is nix.linux-builder.config.virtualisation.cores.',
  },
  {
    path: [...P, 'publicHostKey'],
    advice:
      'nix-darwin already pins the VM\'s fixed host key: it is in the generated nix.buildMachines entry, so there is nothing to set. To pin the key of a builder of your own, use publicHostKey in its nix.buildMachines entry (base64 of the whole "ssh-ed25519 AAAA… comment" line).',
  },
  { path: [...P, 'sshUser'], advice: fixedBy('user builder') },
  { path: [...P, 'sshKey'], advice: fixedBy('key /etc/nix/builder_ed25519') },
  { path: [...P, 'hostName'], advice: fixedBy('host linux-builder = localhost port 31022') },
  { path: [...P, 'user'], advice: fixedBy('user builder') },
  {
    path: [...P, 'port'],
    correctPath: vm('hostPort'),
    advice:
      'The forwarded SSH port is nix.linux-builder.config.virtualisation.darwin-builder.hostPort; port 31022 is also written literally in /etc/ssh/ssh_config.d/100-linux-builder.conf.',
  },
];
