/**
 * `nix.buildMachines.*` entries (nix-darwin modules/nix/default.nix; same names on NixOS) and the
 * `/etc/nix/machines` fields they become (docs/dev/domain.md#the-machines-file-and-buildmachines).
 */
import { NIX_DARWIN_NIX_MODULE as SRC } from './sources.js';
import type { MisplacedOption, OptionDoc } from './types.js';

const E = ['nix', 'buildMachines', '*'];

export const BUILD_MACHINE_OPTIONS: readonly OptionDoc[] = [
  {
    path: [...E, 'hostName'],
    type: 'string',
    shape: { kind: 'string' },
    source: SRC,
    doc: 'Host of the builder as ssh will resolve it (an ssh_config Host alias works). `localhost` alone makes Nix build locally; a port needs Nix 2.31+, and with `localhost:31022` 2.31.3+ (2.31.0–2.31.2 build locally for any localhost host); `127.0.0.1:31022` works from 2.31.0.',
  },
  {
    path: [...E, 'protocol'],
    type: 'null or one of "ssh", "ssh-ng"',
    shape: { kind: 'enum', values: ['ssh', 'ssh-ng'], nullable: true },
    default: '"ssh"',
    source: SRC,
    doc: 'Store protocol; both run the system `ssh` as root.',
  },
  {
    path: [...E, 'system'],
    type: 'null or string',
    shape: { kind: 'nullOrString' },
    default: 'null',
    source: SRC,
    doc: 'One system type; prefer `systems`.',
  },
  {
    path: [...E, 'systems'],
    type: 'list of string',
    shape: { kind: 'listOfString' },
    default: '[ ]',
    source: SRC,
    doc: 'System types the builder builds for, e.g. [ "aarch64-linux" ].',
  },
  {
    path: [...E, 'sshUser'],
    type: 'null or string',
    shape: { kind: 'nullOrString' },
    default: 'null',
    source: SRC,
    doc: 'User to log in as on the builder.',
  },
  {
    path: [...E, 'sshKey'],
    type: 'null or string',
    shape: { kind: 'nullOrString' },
    default: 'null',
    source: SRC,
    doc: 'Private key file, as a string ("/etc/nix/builder_ed25519"), root-readable and outside the Nix store. A path literal (`./key`) is a type error (not a string); the workaround `"${./key}"` copies the private key into the world-readable Nix store.',
  },
  {
    path: [...E, 'maxJobs'],
    type: 'integer',
    shape: { kind: 'int' },
    default: '1',
    source: SRC,
    doc: 'Builds run on this machine at once.',
  },
  {
    path: [...E, 'speedFactor'],
    type: 'integer',
    shape: { kind: 'int' },
    default: '1',
    source: SRC,
    doc: 'Preference of this builder over others.',
  },
  {
    path: [...E, 'supportedFeatures'],
    type: 'list of string',
    shape: { kind: 'listOfString' },
    default: '[ ]',
    source: SRC,
    doc: 'Features offered, e.g. [ "kvm" "benchmark" "big-parallel" ].',
  },
  {
    path: [...E, 'mandatoryFeatures'],
    type: 'list of string',
    shape: { kind: 'listOfString' },
    default: '[ ]',
    source: SRC,
    doc: 'Features a derivation must require to be sent here.',
  },
  {
    path: [...E, 'publicHostKey'],
    type: 'null or string',
    shape: { kind: 'nullOrString' },
    default: 'null',
    source: SRC,
    doc: 'Base64 of the builder\'s whole host public key line (`base64 -w0 key.pub`; macOS `base64 -i key.pub`). Base64 of the bare AAAA… blob fails with "Host key verification failed".',
  },
];

export const BUILD_MACHINE_MISPLACED: readonly MisplacedOption[] = [
  {
    path: [...E, 'port'],
    advice:
      'Entries have no port field: put it in hostName ("127.0.0.1:31022", Nix 2.31+; "localhost:31022" needs 2.31.3+) or use an ssh_config Host alias with Port.',
  },
  {
    path: [...E, 'sshPort'],
    advice:
      'Entries have no port field: put it in hostName ("127.0.0.1:31022", Nix 2.31+; "localhost:31022" needs 2.31.3+) or use an ssh_config Host alias with Port.',
  },
  {
    path: [...E, 'hostKey'],
    correctPath: [...E, 'publicHostKey'],
    advice: 'The field is publicHostKey (base64 of the whole host key line).',
  },
  { path: [...E, 'user'], correctPath: [...E, 'sshUser'], advice: 'The field is sshUser.' },
  { path: [...E, 'key'], correctPath: [...E, 'sshKey'], advice: 'The field is sshKey (a string path).' },
];
