/** Nix text for a `nix.buildMachines` entry and a known-hosts pin, as quick fixes write them. */
import { nixString } from '../nix/print.js';

export interface BuilderEntry {
  hostName: string;
  sshUser: string;
  sshKey: string;
  /** Nix text of each (a list, a number, or `config.nix.linux-builder.<name>`). */
  systems: string;
  maxJobs: string;
  supportedFeatures: string;
  /** The builder's whole host key line, `ssh-ed25519 AAAA… comment`. */
  hostKeyLine: string;
}

/** base64 of the whole host key line: what `publicHostKey` must hold (docs/dev/domain.md#the-machines-file-and-buildmachines). */
export function publicHostKeyOf(hostKeyLine: string): string {
  return Buffer.from(hostKeyLine, 'utf8').toString('base64');
}

/** One list element, indented two spaces inside its `[ ]`. */
export function builderEntryNix(entry: BuilderEntry): string {
  return [
    '  {',
    `    hostName = ${nixString(entry.hostName)};`,
    `    protocol = "ssh-ng";`,
    `    sshUser = ${nixString(entry.sshUser)};`,
    `    sshKey = ${nixString(entry.sshKey)};`,
    `    systems = ${entry.systems};`,
    `    maxJobs = ${entry.maxJobs};`,
    `    supportedFeatures = ${entry.supportedFeatures};`,
    `    publicHostKey = ${nixString(publicHostKeyOf(entry.hostKeyLine))};`,
    '  }',
  ].join('\n');
}

/**
 * nix-darwin's `programs.ssh.knownHosts.<name>` writes /etc/ssh/ssh_known_hosts, which OpenSSH reads
 * without any Include. With a port, OpenSSH looks the key up as `[host]:port` (docs/dev/domain.md#how-nix-connects-to-a-remote-builder).
 */
export function knownHostsNix(hostName: string, hostKeyLine: string): string {
  // Upstream: "The public key should not include any host names, only the key type and the key itself".
  const keyOnly = hostKeyLine.split(/\s+/).slice(0, 2).join(' ');
  return `{\n  hostNames = [ ${nixString(hostName)} ];\n  publicKey = ${nixString(keyOnly)};\n}`;
}
