/**
 * Fixes for the causes that show at build, evaluation and activation time (named by `explain`
 * from error texts). Each is true for nix-darwin / nixpkgs / Nix as described in
 * docs/dev/domain.md#builder-options, docs/dev/domain.md#failures-users-report and
 * docs/dev/domain.md#determinate-nix, and none repeats one of docs/dev/domain.md#wrong-fixes.
 */
import type { CauseId, ProbeFix } from '../../protocol/probes.js';
import { shellCommand, shellCommandOrUndefined } from '../../protocol/shellText.js';

/** What the error text itself told us, for a fix that names the user's own values. */
export interface TextFacts {
  /** The option path of an evaluation error, as printed (may be relative to nix.linux-builder.config). */
  option?: string;
  /** The option was reached through `nix.linux-builder.config` (the VM's NixOS module system). */
  viaBuilderConfig?: boolean;
  /** Type expected by an option type error. */
  expectedType?: string;
  /** "is required to build": the system and features asked for, and the machine's own system. */
  system?: string;
  features?: string[];
  currentSystem?: string;
  /** Files listed by "Unexpected files in /etc". */
  files?: string[];
  /** The store URI or host of a `cannot build on '…'` line. */
  uri?: string;
  /** A removed option was read (mkRemovedOptionModule's throw), not defined by the configuration. */
  removedOptionRead?: boolean;
}

const DARWIN_BUILDER_DOCS = 'https://nixos.org/manual/nixpkgs/stable/#sec-darwin-builder';
const SAFE_ETC_PATH = /^\/etc\/[A-Za-z0-9._/+-]+$/;

function lastSegment(path: string): string {
  return path.split('.').pop() ?? path;
}

/** The correct homes of options people put directly under nix.linux-builder (docs/dev/domain.md#builder-options). */
const LINUX_BUILDER_HOMES: Record<string, string> = {
  hostPort:
    '`nix.linux-builder.config.virtualisation.darwin-builder.hostPort` (and the Port of the ssh Host block, which nix-darwin writes as 31022)',
  memorySize: '`nix.linux-builder.config.virtualisation.darwin-builder.memorySize` (MiB)',
  diskSize:
    '`nix.linux-builder.config.virtualisation.darwin-builder.diskSize` (MiB; an existing disk image keeps its size until <workingDirectory>/nixos.qcow2 is deleted)',
  cores: '`nix.linux-builder.config.virtualisation.cores`',
  publicHostKey: "nowhere: nix-darwin already pins the VM's fixed host key in the machines entry",
  sshUser: "nowhere: the builder's user is always `builder`",
  sshKey: 'nowhere: nix-darwin installs and uses /etc/nix/builder_ed25519',
  hostName:
    'nowhere: the builder is always reached as `linux-builder` through /etc/ssh/ssh_config.d/100-linux-builder.conf',
};

function optionDoesNotExist(facts: TextFacts): ProbeFix {
  const option = facts.option ?? 'the option';
  const name = lastSegment(option);
  const check =
    'Run `linux-builder-doctor check <your configuration folder>` (or `explain --config <folder>`) to find the line and a fix.';
  if (name === 'sshOptions') {
    return {
      summary: `There is no sshOptions option: Nix has no field for SSH options. Remove it; put SSH settings in root's ssh_config (a Host block in /var/root/.ssh/config), in NIX_SSHOPTS, or in store-URI parameters (?ssh-key=, ?base64-ssh-public-host-key=). ${check}`,
    };
  }
  if (option.startsWith('nix.linux-builder.') && LINUX_BUILDER_HOMES[name] !== undefined) {
    return {
      summary: `${option} does not exist. Its correct home: ${LINUX_BUILDER_HOMES[name]}. ${check}`,
      docs: DARWIN_BUILDER_DOCS,
    };
  }
  if (option === 'determinateNix' || option.startsWith('determinateNix.')) {
    return {
      summary: `The determinateNix.* options come from Determinate's own nix-darwin module: import it (the darwinModules.default of Determinate's flake) in the configuration that sets ${option}, or remove the setting. ${check}`,
    };
  }
  if (facts.viaBuilderConfig === true) {
    return {
      summary: `${option} is set inside nix.linux-builder.config, which is a NixOS module for the builder VM, and NixOS has no such option. Move it out of config (nix-darwin's own nix.linux-builder.* options sit next to config, not in it) or correct its name. ${check}`,
    };
  }
  return { summary: `${option} does not exist in nix-darwin. Correct its name or remove it. ${check}` };
}

function conflictingDefinition(facts: TextFacts): ProbeFix {
  const option = facts.option ?? '';
  const vmSize = /^(.*\.)?virtualisation\.(memorySize|diskSize)$/.exec(option);
  if (vmSize) {
    const name = vmSize[2] ?? 'memorySize';
    // nixpkgs nixos/modules/profiles/nix-builder-vm.nix sets virtualisation.{diskSize,memorySize} from darwin-builder.*.
    return {
      summary: `nixpkgs' builder profile (nixos/modules/profiles/nix-builder-vm.nix) itself sets virtualisation.${name} from virtualisation.darwin-builder.${name}, so a second plain value conflicts. Set nix.linux-builder.config.virtualisation.darwin-builder.${name} instead (or wrap yours in lib.mkForce).`,
      docs: DARWIN_BUILDER_DOCS,
    };
  }
  return {
    summary: `Two modules give ${option} different values at the same priority. Keep one, or mark the one that must win with lib.mkForce (the error lists the files that define it).`,
  };
}

function typeMismatch(facts: TextFacts): ProbeFix {
  const option = facts.option ?? 'the option';
  if (lastSegment(option) === 'sshKey') {
    return {
      summary:
        'sshKey must be a string naming a root-only file, e.g. `sshKey = "/etc/nix/builder_ed25519";`, not a Nix path literal like ./key. Do not write "${./key}" either: that copies the private key into the world-readable Nix store.',
    };
  }
  return {
    summary: `${option} must be of type ${facts.expectedType ?? 'the declared type'}: correct the value (the error lists the file that defines it). "linux-builder-doctor check" flags the known ones with a fix.`,
  };
}

function missingFeatures(facts: TextFacts): ProbeFix {
  const features = facts.features ?? [];
  const list = features.map((f) => `"${f}"`).join(' ');
  const defaults = ['kvm', 'benchmark', 'big-parallel'];
  const all = [...new Set([...defaults, ...features])].map((f) => `"${f}"`).join(' ');
  return {
    summary: `The build requires the system features {${features.join(', ')}} and no builder for ${facts.system ?? 'its system'} offers all of them. nix-darwin's builder offers kvm, benchmark and big-parallel by default (no nixos-test, which NixOS tests need): set nix.linux-builder.supportedFeatures = [ ${all} ] (or add ${list} to your builder's supportedFeatures), switch, then prove it with the test build below.`,
    // The features come from the error text: quoted like every value (src/protocol/shellText.ts).
    commands: [
      'sudo darwin-rebuild switch',
      ...[
        shellCommandOrUndefined([
          'linux-builder-doctor',
          'test',
          '--features',
          features.join(',') || 'nixos-test',
        ]),
      ].filter((c): c is string => c !== undefined),
    ],
  };
}

function systemNotOffered(facts: TextFacts): ProbeFix {
  const system = facts.system ?? 'this system';
  const current = facts.currentSystem ?? '';
  if (system === 'x86_64-linux' && current.startsWith('aarch64-')) {
    return {
      summary:
        'No builder offers x86_64-linux. On Apple silicon nix-darwin\'s builder VM is aarch64-linux: let it emulate x86_64 with `nix.linux-builder.config.boot.binfmt.emulatedSystems = [ "x86_64-linux" ];` and `nix.linux-builder.systems = [ "aarch64-linux" "x86_64-linux" ];` (the VM is rebuilt, so the builder must work before), or run an x86_64 VM with `nix.linux-builder.package = pkgs.darwin.linux-builder-x86_64;`.',
      docs: DARWIN_BUILDER_DOCS,
    };
  }
  if (system === 'aarch64-linux' && current.startsWith('x86_64-')) {
    return {
      summary:
        'No builder offers aarch64-linux. On an Intel Mac nix-darwin\'s builder VM is x86_64-linux: let it emulate aarch64 with `nix.linux-builder.config.boot.binfmt.emulatedSystems = [ "aarch64-linux" ];` and `nix.linux-builder.systems = [ "x86_64-linux" "aarch64-linux" ];` (the VM is rebuilt, so the builder must work before).',
      docs: DARWIN_BUILDER_DOCS,
    };
  }
  return {
    summary: `No builder lists ${system} in its systems. Add a builder for ${system}, or add it to the systems of one that can build it.`,
  };
}

export function textFix(cause: CauseId, facts: TextFacts): ProbeFix | undefined {
  switch (cause) {
    case 'builder-wrong-port':
      return {
        summary:
          'ssh went to port 22 of this Mac (where nothing listens, or macOS\'s own sshd answers with another host key), not to the builder VM, which listens on 31022. A builder entry with the host "localhost" and no port does this. Use the entry nix.linux-builder.enable writes (host `linux-builder`, which root\'s ssh maps to localhost port 31022 through /etc/ssh/ssh_config.d/100-linux-builder.conf) instead of a hand-written one, or give root a Host block with the port.',
        commands: [
          'cat /etc/nix/machines',
          "sudo ssh -G linux-builder | grep -E '^(hostname|port|hostkeyalias) '",
        ],
        docs: DARWIN_BUILDER_DOCS,
      };
    case 'host-name-has-scheme':
      return {
        summary:
          'Remove the scheme from hostName: nix-darwin writes `<protocol>://` in front of it itself, so hostName = "ssh://builder@localhost" becomes ssh://ssh://builder@localhost. Write the host only (user in sshUser) and choose the scheme with protocol; for nix-darwin\'s builder, enable nix.linux-builder instead of a hand-written entry.',
        commands: ['cat /etc/nix/machines'],
      };
    case 'ssh-not-found':
      return {
        summary:
          "Nix runs the `ssh` it finds on PATH. On a multi-user install the nix-daemon connects, so `ssh` must be on the daemon's PATH (on macOS it is /usr/bin/ssh); on a single-user install, on yours. Then restart the daemon.",
        commands: ['command -v ssh', 'sudo launchctl kickstart -k system/org.nixos.nix-daemon'],
      };
    case 'machines-file-invalid':
      return {
        summary:
          "A line of the machines file cannot be parsed. When the text mentions base64, column 8 (publicHostKey) is wrong: it must be base64 of the WHOLE public key line ('ssh-ed25519 AAAA… comment'), made with `base64 -i key.pub` on macOS or `base64 -w0 key.pub` on Linux; a key line pasted without encoding has characters base64 does not allow.",
        commands: ['cat /etc/nix/machines'],
      };
    case 'ssh-connection-failed':
      return {
        summary:
          "Nix could not open the SSH connection to the builder and did not pass on ssh's reason: through the nix-daemon, ssh's message goes to the daemon's stderr. Run the doctor's probes as root, which test each link and name the cause. To read ssh's own message: nix-darwin keeps no daemon log by default; set services.nix-daemon.logFile = \"/var/log/nix-daemon.log\"; and switch, or run the two launchctl commands below and reproduce.",
        commands: [
          'sudo linux-builder-doctor probe',
          'sudo launchctl debug system/org.nixos.nix-daemon --stderr',
          'sudo launchctl kickstart -k system/org.nixos.nix-daemon',
        ],
      };
    case 'remote-build-failed':
      return {
        summary:
          "Nix found no remote machine it could use for this build: none offers its system and features, or each one failed to connect. Run the doctor's probes as root; the lines above this one in the log, if any, say which.",
        commands: ['sudo linux-builder-doctor probe', 'nix config show builders'],
      };
    case 'vm-image-not-cached':
      return {
        summary:
          "When this happens on the darwin-rebuild that enables nix.linux-builder, the derivation is part of the builder's own VM image: your nixpkgs revision's darwin.linux-builder is not in the binary cache (a revision not cached yet, nixpkgs.overlays, or another pkgs), and building it needs a Linux builder that does not exist yet. Pin `nix.linux-builder.package` to a nixpkgs revision whose darwin.linux-builder is cached (e.g. `inputs.nixpkgs-stable.legacyPackages.aarch64-darwin.darwin.linux-builder`), switch, then remove the pin: the running builder builds the new image. If you were building a NixOS system or VM of your own, enable nix.linux-builder first.",
        commands: ['sudo darwin-rebuild switch'],
        docs: DARWIN_BUILDER_DOCS,
      };
    case 'missing-features':
      return missingFeatures(facts);
    case 'system-not-offered':
      return systemNotOffered(facts);
    case 'option-does-not-exist':
      return optionDoesNotExist(facts);
    case 'option-removed':
      if (facts.removedOptionRead === true) {
        // nix-darwin/nix-darwin#1342: a newer Home Manager read an option an older nix-darwin had
        // removed; the maintainers' answer was to update the inputs together.
        return {
          summary: `${facts.option ?? 'The option'} was removed, and a module still reads it (the error names no definition of yours): inputs out of step, as in nix-darwin/nix-darwin#1342, where a newer Home Manager read an option an older nix-darwin had removed. Update them together (\`nix flake update\`, with each input on the release branch that matches the others), or remove the module that reads it.`,
        };
      }
      if (facts.option === 'nix.linux-builder.modules') {
        return {
          summary:
            'nix.linux-builder.modules was replaced by nix.linux-builder.config: move the modules there (it is a NixOS module for the VM; several go into `imports`).',
        };
      }
      return {
        summary: `${facts.option ?? 'The option'} was removed: delete the definition (the error names the file and, where there is one, the replacement).`,
      };
    case 'conflicting-definition':
      return conflictingDefinition(facts);
    case 'option-type-mismatch':
      return typeMismatch(facts);
    case 'requires-nix-enable':
      return {
        summary:
          'nix-darwin\'s nix.linux-builder needs nix-darwin to manage Nix (`nix.enable = true`). If Determinate Nix manages Nix here (it requires `nix.enable = false`), set `nix.linux-builder.enable = false;` and use Determinate\'s builder: `determinateNix.determinateNixd.builder.state = "enabled";` (native) or `determinateNix.nixosVmBasedLinuxBuilder` (the same VM).',
      };
    case 'unmanaged-etc-files': {
      const files = (facts.files ?? []).filter((f) => SAFE_ETC_PATH.test(f));
      return {
        summary:
          "nix-darwin does not overwrite files in /etc it did not write. Look at each file listed; when it is a hand-made copy of what nix-darwin now manages (for the builder: /etc/nix/machines, /etc/ssh/ssh_config.d/100-linux-builder.conf or /etc/ssh/ssh_known_hosts, made while following the nixpkgs manual's darwin-builder steps; or files a macOS update rewrote), move it aside with the .before-nix-darwin suffix and switch again.",
        commands: [
          ...files.map((f) => shellCommand(['sudo', 'mv', f, `${f}.before-nix-darwin`])),
          'sudo darwin-rebuild switch',
        ],
      };
    }
    default:
      return undefined;
  }
}
