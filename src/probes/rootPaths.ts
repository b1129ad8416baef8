/**
 * Where the system files the nix-daemon (root) depends on live, optionally under a staged root
 * directory (`--root DIR`, docs/dev/architecture.md#stable-names-and-the-cli-contract). Semantics:
 * - every *system* path the probes read is DIR + the macOS path (DIR/etc/ssh/ssh_config,
 *   DIR/var/root/.ssh/config, DIR/etc/nix/machines, …);
 * - paths written INSIDE those files (an IdentityFile, an absolute Include, a key column in the
 *   machines file, `builders = @/some/file`) are used exactly as written, so a staged file must
 *   name staged paths absolutely; relative Include paths and `~` are resolved against the staged
 *   directories (see sshConfig.ts), because that is what OpenSSH would do on the staged machine;
 * - the ssh and nix we run see the same files: ssh gets `-F <generated file>` (sshConfig.ts) and
 *   nix gets NIX_CONF_DIR=DIR/etc/nix, NIX_USER_CONF_FILES=DIR/var/root/.config/nix/nix.conf and
 *   NIX_SSHOPTS=-F <generated file> (after any NIX_SSHOPTS already in the environment).
 * Without --root the real paths are used and ssh/nix read them themselves.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface RootPaths {
  /** The staged root, or undefined for the real machine. */
  stagedRoot: string | undefined;
  sys(path: string): string;
  sshSystemDir: string;
  sshSystemConfig: string;
  sshDropInDir: string;
  /** root's home: /var/root on macOS (the daemon's account), /root elsewhere. */
  rootHome: string;
  rootSshConfig: string;
  rootKnownHosts: string;
  globalKnownHosts: string;
  nixConfDir: string;
  nixConf: string;
  machinesFile: string;
  determinateNixd: string;
  launchDaemonsDir: string;
  nixDarwinBuilderPlist: string;
}

export function rootPaths(stagedRoot: string | undefined, env: NodeJS.ProcessEnv): RootPaths {
  const sys = (path: string): string => (stagedRoot === undefined ? path : join(stagedRoot, path));
  let home: string;
  if (stagedRoot !== undefined || process.platform === 'darwin') home = sys('/var/root');
  else home = process.getuid?.() === 0 ? homedir() : '/root';
  // Nix itself honours NIX_CONF_DIR; on the real machine we follow it, under --root we set it.
  const nixConfDir = stagedRoot === undefined && env.NIX_CONF_DIR ? env.NIX_CONF_DIR : sys('/etc/nix');
  return {
    stagedRoot,
    sys,
    sshSystemDir: sys('/etc/ssh'),
    sshSystemConfig: sys('/etc/ssh/ssh_config'),
    sshDropInDir: sys('/etc/ssh/ssh_config.d'),
    rootHome: home,
    rootSshConfig: join(home, '.ssh', 'config'),
    rootKnownHosts: join(home, '.ssh', 'known_hosts'),
    globalKnownHosts: sys('/etc/ssh/ssh_known_hosts'),
    nixConfDir,
    nixConf: join(nixConfDir, 'nix.conf'),
    machinesFile: sys('/etc/nix/machines'),
    determinateNixd: sys('/usr/local/bin/determinate-nixd'),
    launchDaemonsDir: sys('/Library/LaunchDaemons'),
    nixDarwinBuilderPlist: sys('/Library/LaunchDaemons/org.nixos.linux-builder.plist'),
  };
}
