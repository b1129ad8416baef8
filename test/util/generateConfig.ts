/**
 * A realistic nix-darwin configuration of about `lines` lines, deterministic for a seed. It
 * uses every construct the parser and locator handle (module function, let/with, imports with
 * inline modules, nested and dotted and quoted bindings, mkIf/mkMerge/mkDefault/mkForce/
 * mkOverride, if-then-else, strings with escapes and interpolation, indented strings with ''
 * escapes, paths with interpolation, search paths, URIs, floats, negative numbers, `or`
 * defaults, rec sets, inherit, comments) and is valid Nix: the grammar proof checks it against
 * nix-instantiate. Used by the parser tests and the benchmark.
 */
import { seededRandom } from './random.js';
import { itemAt } from './itemAt.js';

const header = `# Generated nix-darwin configuration (test/util/generateConfig.ts)
{ config, lib, pkgs, ... }:
let
  user = "alice";
  inherit (lib) mkIf mkMerge mkDefault mkForce mkOverride;
  /* the builder's resources */
  builderMemory = 8 * 1024;
in
with lib;
{
  imports = [
    ./hosts/common.nix
    { nix.settings.trusted-users = [ "@admin" user ]; }
    ({ pkgs, ... }: { environment.systemPackages = [ pkgs.git ]; })
  ];

  nix.enable = true;
  nix.distributedBuilds = true;
  nix.linux-builder = {
    enable = true;
    ephemeral = mkDefault false;
    maxJobs = 4;
    systems = [ "aarch64-linux" "x86_64-linux" ];
    config = { pkgs, lib, ... }: {
      virtualisation.darwin-builder.memorySize = builderMemory;
      virtualisation.darwin-builder.diskSize = 40 * 1024;
      virtualisation.cores = 6;
      boot.binfmt.emulatedSystems = [ "x86_64-linux" ];
    };
  };
  nix.buildMachines = [
    {
      hostName = "linux-builder";
      sshUser = "builder";
      sshKey = "/etc/nix/builder_ed25519";
      protocol = "ssh-ng";
      systems = [ "aarch64-linux" ];
      maxJobs = 4;
      speedFactor = 1;
      supportedFeatures = [ "kvm" "benchmark" "big-parallel" ];
    }
  ];
`;

type Chunk = (i: number, pick: <T>(xs: readonly T[]) => T) => string;

const chunks: Chunk[] = [
  (i) => `
  # Agent ${i}: a launchd agent with an indented shell script
  launchd.user.agents."agent-${i}" = {
    serviceConfig.ProgramArguments = [ "/bin/sh" "-c" "exec \${pkgs.coreutils}/bin/sleep ${i}" ];
    serviceConfig.RunAtLoad = true;
    script = ''
      set -eu
      echo "started ''\${HOME} at $(date)" >> /tmp/agent-${i}.log
      name='''quoted'''
      printf '%s''\\n' "\${user}"
    '';
  };
`,
  (i, pick) => `
  environment.etc."tool-${i}/config.toml".text = mkIf config.nix.enable ''
    [section]
    value = ${i}
    ratio = ${pick(['0.5', '1.5e3', '2.'])}
  '';
  environment.variables.TOOL_${i}_HOME = "/Users/\${user}/.tool-${i}";
`,
  (i, pick) => `
  system.defaults.CustomUserPreferences."com.example.dock${i}" = mkMerge [
    { autohide = ${pick(['true', 'false'])}; tilesize = ${16 + (i % 48)}; }
    (mkIf (config.nix.linux-builder.enable or false) { orientation = "left"; })
  ];
  system.defaults.NSGlobalDomain."com.apple.swipescrolldirection.${i}" = mkForce false;
`,
  (i) => `
  homebrew.taps."tap-${i}".casks = [
    "app-${i}"
    { name = "cask-${i}"; greedy = true; }
  ];
  homebrew.taps."tap-${i}".brews = if config.nix.enable then [ "tool-${i}" ] else [ ];
`,
  (i) => `
  programs."shell-${i}" = rec {
    enable = true;
    shellInit${i} = "export N=${i}\\n";
    interactiveShellInit${i} = shellInit${i} + "alias ll='ls -l'";
  };
`,
  (i) => `
  services.service-${i} = let
    port = 8000 + ${i};
    inherit (pkgs) stdenv;
  in {
    enable = mkOverride 900 true;
    dataDir = /var/lib/service-${i};
    logFile = ./logs/\${toString port}.log;
    nixPath = <nixpkgs>;
    homepage = https://example.org/service/${i};
    offset = -${i};
    weight = -0.25;
    arch = stdenv.hostPlatform.system or "aarch64-darwin";
    hasFoo = pkgs ? foo;
    ok = !(port < 1024) && port != 0 || port == 80 -> true;
  };
`,
  (i) => `
  users.users."user${i}" = { name, ... }: {
    home = "/Users/\${name}";
    packages = with pkgs; [ hello (writeShellScriptBin "hi-${i}" "echo hi") ] ++ [ ];
    description = assert true; "User number ${i}";
  };
`,
];

export function generateDarwinConfig(lines: number, seed = 1): string {
  const next = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => itemAt(xs, Math.floor(next() * xs.length));
  let text = header;
  let count = text.split('\n').length;
  for (let i = 0; count < lines - 1; i++) {
    const chunk = pick(chunks)(i, pick);
    text += chunk;
    count += chunk.split('\n').length - 1;
  }
  return `${text}}\n`;
}

/**
 * Other shapes of a big file (issue 8, goal 1: the keystroke cost must follow the edit whatever
 * the shape): `nested`, sets inside sets four deep; `flat`, one set of `lines` bindings under one
 * option; `modules`, many small inline modules in one `imports` list. Valid Nix, deterministic.
 */
export function generateShape(shape: 'nested' | 'flat' | 'modules', lines: number): string {
  const out: string[] = ['{ config, lib, pkgs, ... }:', '{'];
  if (shape === 'flat') {
    out.push('  environment.variables = {');
    for (let i = 0; out.length < lines - 3; i++) out.push(`    VAR_${i} = "value ${i}";`);
    out.push('  };');
  } else if (shape === 'nested') {
    for (let a = 0; out.length < lines - 1; a++) {
      out.push(`  services.group${a} = {`);
      for (let b = 0; b < 4; b++) {
        out.push(`    sub${b} = {`);
        for (let c = 0; c < 4; c++)
          out.push(
            `      leaf${c} = { enable = ${c % 2 === 0}; port = ${1000 + c}; name = "n${a}-${b}-${c}"; };`,
          );
        out.push('    };');
      }
      out.push('  };');
    }
  } else {
    out.push('  nix.linux-builder.enable = true;', '  imports = [');
    for (let i = 0; out.length < lines - 3; i++)
      out.push(
        '    {',
        `      launchd.daemons.d${i}.serviceConfig.RunAtLoad = true;`,
        `      users.users.u${i}.uid = ${500 + i};`,
        '    }',
      );
    out.push('  ];');
  }
  out.push('}', '');
  return out.join('\n');
}
