/**
 * The fix for each cause, consistent with docs/dev/domain.md#what-enabling-the-builder-generates and
 * docs/dev/domain.md#determinate-nix. Never one of docs/dev/domain.md#wrong-fixes: no /etc/hosts line, no `protocol = "ssh"` to "read ~/.ssh/config", no chmod of the key to the
 * user, no `nix.linux-builder.publicHostKey`, no `sshOptions`, no testing as the normal user.
 */
import type { CauseId, ProbeFix } from '../protocol/probes.js';
import { ControlCharacterError, hasControlCharacter, printable, shellQuote } from '../protocol/shellText.js';
import { textFix, type TextFacts } from './explain/textFixes.js';

export interface FixFacts {
  /** The host name as written in the machines entry. */
  host?: string;
  port?: number;
  /** nix-darwin's builder: the launchd service exists or the host is `linux-builder`. */
  nixDarwin?: boolean;
  /** Determinate's VM-based builder (host alias `nixos-vm-based-linux-builder`). */
  determinateVm?: boolean;
  /** The user's nix.conf (or 'NIX_CONFIG') whose `builders =` overrides the system's. */
  overridingFile?: string;
  /** The newest QEMU crash report (real path), for a crash-looping VM. */
  crashReport?: string;
  /** nix-darwin's `nix.linux-builder.workingDirectory` (WorkingDirectory of the service's plist), where create-builder keeps the key pair. */
  workingDirectory?: string;
  keyPath?: string;
  /** The ssh_config.d file holding the builder's Host block (real path, not staged). */
  hostBlockFile?: string;
  /** Whether root's own ~/.ssh/config already exists (real path in `rootSshConfig`). */
  rootSshConfigExists?: boolean;
  rootSshConfig?: string;
  /** The publicHostKey is written for the URI host but ssh looks up another name. */
  lookupName?: string;
  uri?: string;
  adminCommand?: string;
  /** The name ssh could not resolve, when known (from its "Could not resolve hostname" line). */
  unresolvedName?: string;
  /** What an error text said (option path, systems, files), for the build- and activation-time causes. */
  text?: TextFacts;
}

/** What each value is, to say which one blocked a command. */
const VALUE_NAMES: Partial<Record<keyof FixFacts, string>> = {
  host: "the builder entry's host name",
  keyPath: 'the SSH key path',
  hostBlockFile: 'the name of the ssh_config.d file with the Host block',
  rootSshConfig: "the path of root's ssh config",
  lookupName: 'the host key alias',
};

/**
 * The commands of one fix. Every value goes in through the `sh` tag, which makes it one quoted
 * word (src/protocol/shellText.ts); fixed text is written as is. A value with a control character
 * cancels every command of the fix (they run together), and the fix says why instead.
 */
class FixCommands {
  refused: string | undefined;

  readonly sh = (strings: TemplateStringsArray, ...values: Array<string | number>): string => {
    let out = strings[0] ?? '';
    values.forEach((value, i) => {
      out += this.word(String(value)) + (strings[i + 1] ?? '');
    });
    return out;
  };

  private word(value: string): string {
    try {
      return shellQuote(value);
    } catch (error) {
      if (!(error instanceof ControlCharacterError)) throw error;
      this.refused ??= value;
      return '';
    }
  }
}

/** ssh_config's own quoting (OpenSSH misc.c argv_split): "…" with \" and \\; glob characters refused. */
function sshConfigWord(path: string): string | undefined {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(path)) return path;
  // Include expands *, ? and [..] itself (glob(3)): such a name would match other files.
  if (/[*?[\\]/.test(path)) return undefined;
  return `"${path.replace(/"/g, '\\"')}"`;
}

/** Print the builder's current host key line as base64, the form publicHostKey takes. */
function keyscan(facts: FixFacts, host: string, sh: Sh): string {
  const port = facts.port !== undefined ? sh` -p ${facts.port}` : '';
  return `ssh-keyscan -t ed25519${port} ${sh`-- ${host}`} 2>/dev/null | cut -d' ' -f2- | base64 | tr -d '\\n'`;
}

/** The key back to how nix-darwin installs it: root:nixbld 0600. */
function rootOnlyKey(key: string, sh: Sh): string[] {
  return [sh`sudo chown root:nixbld -- ${key}`, sh`sudo chmod 600 -- ${key}`];
}

/** A key owned by a user instead of root (a warning, not a cause): give it back to root. */
export function keyOwnerFix(key: string): ProbeFix {
  return finish({ keyPath: key }, (sh) => ({
    summary: 'Give the key back to root: the daemon, not your user, connects.',
    commands: rootOnlyKey(key, sh),
  }));
}

const KICKSTART = 'sudo launchctl kickstart -k system/org.nixos.linux-builder';
/** The key nix-darwin's builder entry names and create-builder installs (docs/dev/domain.md#what-enabling-the-builder-generates). */
const NIX_DARWIN_KEY = '/etc/nix/builder_ed25519';
/** nix-darwin's default `nix.linux-builder.workingDirectory`. */
const DEFAULT_WORKING_DIRECTORY = '/var/lib/linux-builder';

/**
 * Put nix-darwin's builder key back. create-builder (nixpkgs nix-builder-vm.nix) installs the key
 * pair from `<workingDirectory>/keys` only when `/etc/nix/builder_ed25519.pub` differs from
 * `keys/builder_ed25519.pub`, so a restart alone leaves a deleted or damaged private key as it is:
 * remove the `.pub` first, then restart (or copy the pair from keys/ by hand, as create-builder would).
 */
function reinstallKey(facts: FixFacts, sh: Sh, what: string): ProbeFix {
  const keys = `${facts.workingDirectory ?? DEFAULT_WORKING_DIRECTORY}/keys`;
  return {
    summary: `${what} Restarting nix-darwin's builder alone does not put it back: its start script (nixpkgs create-builder) installs the key pair from ${keys} only when ${NIX_DARWIN_KEY}.pub differs from ${keys}/builder_ed25519.pub. Remove the .pub too, then restart the service, which re-installs both (root:nixbld, 0600 and 0644). Or copy the pair yourself, as it would: \`${sh`sudo install -g nixbld -m 600 -- ${`${keys}/builder_ed25519`} ${NIX_DARWIN_KEY}`}\` and \`${sh`sudo install -g nixbld -m 644 -- ${`${keys}/builder_ed25519.pub`} ${`${NIX_DARWIN_KEY}.pub`}`}\`.`,
    commands: [sh`sudo rm -f -- ${`${NIX_DARWIN_KEY}.pub`}`, KICKSTART, sh`sudo ls -l -- ${NIX_DARWIN_KEY}`],
    docs: DOCS,
  };
}
const DOCS = 'https://nixos.org/manual/nixpkgs/stable/#sec-darwin-builder';

function restartVm(facts: FixFacts, why: string): ProbeFix {
  if (facts.nixDarwin === true) {
    return {
      summary: `${why} Restart nix-darwin's builder VM (launchd service org.nixos.linux-builder), give it ~30 s to boot, then probe again.`,
      commands: [KICKSTART, 'sudo launchctl print system/org.nixos.linux-builder'],
      docs: DOCS,
    };
  }
  if (facts.determinateVm === true) {
    // Determinate's module names the launchd daemon after the host alias (docs/dev/domain.md#determinate-nix).
    return {
      summary: `${why} Restart Determinate's VM-based builder (launchd service org.nixos.nixos-vm-based-linux-builder), give it ~30 s to boot, read its log, then probe again.`,
      commands: [
        'sudo launchctl kickstart -k system/org.nixos.nixos-vm-based-linux-builder',
        'sudo tail -n 50 /var/log/nixos-based-vm-builder.log',
      ],
    };
  }
  return {
    summary: `${why} Start the builder ${facts.host ?? ''} and its sshd, then probe again.`.replace(
      '  ',
      ' ',
    ),
  };
}

export function fixFor(cause: CauseId, facts: FixFacts): ProbeFix | undefined {
  return finish(facts, (sh) => buildFix(cause, facts, sh));
}

/** Build a fix with one FixCommands; drop all its commands (and say why) if a value was refused. */
function finish(facts: FixFacts, build: (sh: Sh) => ProbeFix): ProbeFix;
function finish(facts: FixFacts, build: (sh: Sh) => ProbeFix | undefined): ProbeFix | undefined;
function finish(facts: FixFacts, build: (sh: Sh) => ProbeFix | undefined): ProbeFix | undefined {
  const commands = new FixCommands();
  const fix = build(commands.sh);
  if (fix === undefined) return undefined;
  if (commands.refused !== undefined) {
    const value = commands.refused;
    const name =
      Object.entries(VALUE_NAMES).find(([key]) => {
        const fact = facts[key as keyof FixFacts];
        return typeof fact === 'string' && fact !== '' && value.includes(fact);
      })?.[1] ?? 'a value in the configuration';
    return {
      ...(fix.docs !== undefined ? { docs: fix.docs } : {}),
      summary: printable(
        `${fix.summary} No command is offered: ${name} (${printable(value)}) contains a control character (a newline or escape in a typed or pasted command could run something else); correct it by hand.`,
      ),
    };
  }
  return { ...fix, summary: printable(fix.summary) };
}

type Sh = FixCommands['sh'];

function buildFix(cause: CauseId, facts: FixFacts, sh: Sh): ProbeFix | undefined {
  const host = facts.host ?? 'linux-builder';
  const key = facts.keyPath ?? '/etc/nix/builder_ed25519';
  switch (cause) {
    case 'ok':
    case 'unknown':
      return undefined;
    case 'no-builder-configured':
      return {
        summary:
          'Nix has no remote builder for Linux. With nix-darwin set `nix.linux-builder.enable = true;` (it needs `nix.enable = true`) and run `darwin-rebuild switch`; with Determinate Nix use `determinateNix.determinateNixd.builder.state = "enabled";` instead.',
        commands: ['sudo darwin-rebuild switch'],
        docs: DOCS,
      };
    case 'distributed-builds-off':
      return {
        summary:
          'The machines file is ignored because `builders` is empty: nix-darwin writes `builders =` when `nix.distributedBuilds = false`. Set `nix.distributedBuilds = true;` (nix.linux-builder.enable sets it unless something forces it off) and rebuild.',
        commands: ['sudo darwin-rebuild switch'],
      };
    case 'determinate-conflict':
      return {
        summary:
          'nix-darwin\'s linux-builder needs `nix.enable = true`, but Determinate Nix requires `nix.enable = false` (activation aborts with "Determinate detected, aborting activation"). Use one: with Determinate set `nix.enable = false;`, `nix.linux-builder.enable = false;` and enable Determinate\'s builder (`determinateNix.determinateNixd.builder.state = "enabled";`, or the VM under `determinateNix.nixosVmBasedLinuxBuilder`).',
      };
    case 'ssh-config-not-included': {
      const file = facts.hostBlockFile ?? '/etc/ssh/ssh_config.d/100-linux-builder.conf';
      const rootConfig = facts.rootSshConfig ?? '/var/root/.ssh/config';
      // A control character is refused by `sh` below, with its own reason.
      const word = hasControlCharacter(file) ? file : sshConfigWord(file);
      const line = `Include ${word ?? file}`;
      const summary = `Give root the Host block itself: put \`${line}\` at the top of ${rootConfig} (root's own config is read before /etc/ssh/ssh_config, so a managed system file cannot override it), or restore \`Include /etc/ssh/ssh_config.d/*\` in /etc/ssh/ssh_config where your policy allows. macOS upgrades have deleted /var/root/.ssh before (nix-darwin#1509): re-check after upgrading.`;
      if (word === undefined) {
        return {
          summary: `${summary} No command is offered: the file name ${file} holds characters ssh_config's Include reads as a pattern (*, ?, [ or \\); rename the file or write the line by hand.`,
        };
      }
      // The script is fixed text; the file and the line arrive as its arguments $1 and $2.
      const commands =
        facts.rootSshConfigExists === true
          ? // Prepend: an Include appended after a Host block would only apply inside that block.
            [
              sh`sudo sh -c 'f=$1; { printf "%s\\n" "$2"; cat "$f"; } > "$f.new" && mv "$f.new" "$f"' sh ${rootConfig} ${line}`,
            ]
          : [
              sh`sudo mkdir -p -m 700 -- ${rootConfig.replace(/\/config$/, '')}`,
              sh`printf '%s\\n' ${line} | sudo tee -- ${rootConfig}`,
            ];
      commands.push(sh`sudo ssh -G -- ${host} | grep -E '^(hostname|port|hostkeyalias) '`);
      return { summary, commands };
    }
    case 'hostname-unresolved':
      if (facts.unresolvedName === 'localhost') {
        // The Host block did apply (it maps the alias to localhost): name resolution on the Mac fails (nix-darwin#913).
        return {
          summary:
            'Root\'s ssh applied the Host block (it maps the builder to `localhost`) but cannot resolve `localhost` itself: name resolution on this Mac fails for it. Write the address instead, `Hostname 127.0.0.1`, in the Host block (with nix-darwin: override environment.etc."ssh/ssh_config.d/100-linux-builder.conf".text with the same six lines and Hostname 127.0.0.1).',
          commands: [
            sh`sudo ssh -G -- ${host} | grep -E '^(hostname|port|hostkeyalias) '`,
            'dscacheutil -q host -a name localhost',
          ],
        };
      }
      if (facts.nixDarwin === true || host === 'linux-builder') {
        return {
          summary: `No Host block maps ${host} to localhost:31022 for root. nix-darwin writes it to /etc/ssh/ssh_config.d/100-linux-builder.conf: make sure that file exists (do not disable it with environment.etc."ssh/ssh_config.d/100-linux-builder.conf".enable = false) and that root's ssh reads it. An /etc/hosts entry is not a fix: ssh would then use port 22 and the wrong host key.`,
          commands: [
            'ls -l /etc/ssh/ssh_config.d/100-linux-builder.conf',
            sh`sudo ssh -G -- ${host} | grep -E '^(hostname|port|hostkeyalias) '`,
            'sudo darwin-rebuild switch',
          ],
        };
      }
      return {
        summary: `Root's ssh cannot resolve ${host}: correct the host name in the builder entry, or give root a Host block (HostName, Port, HostKeyAlias) for it in /var/root/.ssh/config.`,
      };
    case 'builder-down':
      return restartVm(facts, "Nothing listens on the builder's SSH port.");
    case 'builder-booting':
      return restartVm(
        facts,
        'The port accepts connections but closes them before SSH starts (the VM is booting, or its sshd is not up).',
      );
    case 'builder-unresponsive':
      return restartVm(
        facts,
        'The port accepts connections but no SSH server answers; Nix sets no ConnectTimeout, so builds hang on it.',
      );
    case 'host-key-mismatch':
      if (facts.nixDarwin === true) {
        return {
          summary:
            "The server on the port does not present the builder VM's fixed host key that nix-darwin pins: another VM or sshd answers there, or the machines entry was edited. Stop whatever else uses the port and restart the builder. (There is no `nix.linux-builder.publicHostKey` option; the right key is already pinned.)",
          commands: [KICKSTART],
        };
      }
      return {
        summary: `The builder's host key differs from the pinned one. If the builder was rebuilt, pin its current key: publicHostKey is base64 of the WHOLE key line ('ssh-ed25519 AAAA…').`,
        commands: [keyscan(facts, host, sh)],
      };
    case 'host-key-unknown':
      if (facts.lookupName !== undefined) {
        return {
          summary: `publicHostKey is pinned for '${host}', but ssh looks the key up as '${facts.lookupName}' because root's Host block for ${host} has no "HostKeyAlias ${host}". Add that line to the Host block (nix-darwin's 100-linux-builder.conf has it).`,
        };
      }
      return {
        summary: `No host key is known for ${host} under the name ssh looks up. Pin it in the builder entry (nix.buildMachines.*.publicHostKey = base64 of the whole 'ssh-ed25519 AAAA…' line) or add it to root's /var/root/.ssh/known_hosts.`,
        commands: [keyscan(facts, host, sh)],
      };
    case 'auth-rejected':
      if (facts.nixDarwin === true) {
        return {
          summary: `The VM rejects ${key}: its authorized key (from the builder's working directory keys/) no longer matches. Restarting the service re-runs create-builder, which re-installs the key pair; if it persists, check the sshUser is builder.`,
          commands: [KICKSTART],
        };
      }
      return {
        summary: `The builder rejects the key ${key} for this user: add its public key (${key}.pub) to the builder user's authorized_keys, and check sshUser.`,
      };
    case 'key-missing':
      if (facts.nixDarwin === true && key === NIX_DARWIN_KEY)
        return reinstallKey(facts, sh, `${key} does not exist.`);
      return {
        summary: `The SSH key ${key} named by the builder entry does not exist: fix sshKey: a string path to a root-only file (never "\${./key}", which copies the private key into the world-readable store).`,
        commands: [sh`sudo ls -l -- ${key}`],
      };
    case 'key-passphrase':
      return {
        summary: `${key} is protected by a passphrase. The nix-daemon runs ssh as root without a terminal, so nothing can type the passphrase: ssh cannot load the key and the builder rejects the login ("Permission denied (publickey)"). Give the daemon a key without a passphrase that only root can read: remove the passphrase (ssh-keygen asks for the current one), or make a new key and add its .pub to the builder user's authorized_keys.`,
        commands: [sh`sudo ssh-keygen -p -N '' -f ${key}`],
      };
    case 'key-unreadable':
      if (facts.nixDarwin === true && key === NIX_DARWIN_KEY)
        return reinstallKey(facts, sh, `Root, the account the nix-daemon runs ssh as, may not read ${key}.`);
      return {
        summary: `Root, the account the nix-daemon runs ssh as, may not read ${key}: a folder on its path denies it. Keep the key where root can read it, owned by root and readable only by it (nix-darwin installs /etc/nix/builder_ed25519 as root:nixbld 0600).`,
        commands: [sh`sudo ls -l -- ${key}`],
      };
    case 'key-permissions':
      return {
        summary: `ssh, run as root by the nix-daemon, refuses ${key} because it is readable by others. Make it root-only again (root:nixbld 0600 as nix-darwin installs it). Do not make it readable by your user: the daemon, not you, connects.${facts.nixDarwin === true && key === NIX_DARWIN_KEY ? ` (Restarting the builder alone does not repair it: create-builder re-installs the key only when ${NIX_DARWIN_KEY}.pub differs from its own copy.)` : ''}`,
        commands: rootOnlyKey(key, sh),
      };
    case 'remote-nix-missing': {
      const program = facts.uri?.startsWith('ssh://') === true ? 'nix-store' : 'nix-daemon';
      return {
        summary: `The builder user's non-interactive shell has no Nix on PATH (Nix runs "nix-daemon --stdio" for ssh-ng, "nix-store --serve" for ssh). Put Nix on that PATH on the builder, or name the program in the store URI: "?remote-program=/nix/var/nix/profiles/default/bin/${program}".`,
      };
    }
    case 'builder-untrusted':
      return {
        summary:
          'The builder\'s Nix does not trust the SSH user, so it refuses input-addressed builds. On the builder add the user to trusted-users (for nix-darwin\'s VM: `nix.linux-builder.config.nix.settings.trusted-users = [ "builder" ];`, the default).',
      };
    case 'builders-overridden': {
      const file = facts.overridingFile ?? '~/.config/nix/nix.conf';
      if (file === 'NIX_CONFIG')
        return {
          summary:
            'The NIX_CONFIG environment variable of this shell sets `builders =` (empty), which overrides /etc/nix/nix.conf: remove that line from NIX_CONFIG (and from wherever it is exported) so the machines file counts again. nix.distributedBuilds is not the cause.',
          commands: ["printf '%s\\n' \"$NIX_CONFIG\" | grep -n '^[[:space:]]*builders'"],
        };
      return {
        summary: `${file} sets \`builders =\` (empty), which overrides /etc/nix/nix.conf for your builds (the nix-daemon accepts the client's builders): delete that line, or set it to \`builders = @/etc/nix/machines\`. nix.distributedBuilds is not the cause. If home-manager writes this file, remove \`builders\` from its nix.settings.`,
        commands: [sh`grep -n '^[[:space:]]*builders' -- ${file}`, 'nix config show builders'],
      };
    }
    case 'builder-crash-loop':
      return {
        summary: `The builder VM dies each time launchd starts it, so another kickstart cannot help. Read why in launchd's record and ${facts.crashReport !== undefined ? `the newest QEMU crash report (${facts.crashReport})` : 'the QEMU crash reports in /Library/Logs/DiagnosticReports (qemu-system-*.ips)'}. When QEMU itself aborts (exit code 134, e.g. QEMU 11.0.0 asserting in hvf_arch_init_vcpu on newer Apple silicon, nixpkgs#528299), pin the builder to a nixpkgs revision whose VM worked: \`nix.linux-builder.package = <that nixpkgs>.darwin.linux-builder;\` and \`darwin-rebuild switch\`, and report the crash upstream (nixpkgs) with the crash report.`,
        commands: [
          'sudo launchctl print system/org.nixos.linux-builder',
          "ls -lt /Library/Logs/DiagnosticReports/ | grep 'qemu-system-'",
        ],
        docs: DOCS,
      };
    case 'localhost-skips-ssh': {
      const port = facts.port ?? 31022;
      return {
        summary: `Nix 2.31.0 to 2.31.2 skip SSH for any builder whose host is \`localhost\` (NixOS/nix#14148, fixed in 2.31.3 and 2.32.0 by NixOS/nix#14150). Upgrade Nix to 2.31.3 or newer (with nix-darwin through \`nix.package\`, e.g. \`pkgs.nixVersions.latest\`), or write the address instead of the name: \`ssh-ng://builder@127.0.0.1:${port}\`, with the VM's host key pinned for root as \`[127.0.0.1]:${port} ssh-ed25519 …\` in /var/root/.ssh/known_hosts (with a port other than 22 ssh looks the key up under that name; the command prints that line). nix-darwin's own entry, \`ssh-ng://builder@linux-builder\`, is not affected: its host is the alias.`,
        commands: [
          'nix --version',
          sh`ssh-keyscan -t ed25519 -p ${port} 127.0.0.1 2>/dev/null | sudo tee -a /var/root/.ssh/known_hosts`,
        ],
      };
    }
    case 'needs-admin':
      // adminCommand is already shell text, quoted by ProbeContext.adminCommand.
      return facts.adminCommand !== undefined
        ? {
            summary: `Run as root (the nix-daemon's account): ${facts.adminCommand}`,
            commands: [facts.adminCommand],
          }
        : {
            summary: 'Run the doctor with sudo: the nix-daemon connects as root.',
            commands: ['sudo linux-builder-doctor probe'],
          };
    default:
      return textFix(cause, facts.text ?? {});
  }
}
