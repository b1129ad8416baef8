{ config, lib, pkgs, ... }:

let
  cfg = config.nix.linux-builder;
in
{
  nix.linux-builder = {
    enable = true;
    ephemeral = true;
    maxJobs = 4;
    systems = [ "aarch64-linux" "x86_64-linux" ];
    supportedFeatures = [ "kvm" "benchmark" "big-parallel" ];
    # Customised after the builder first worked unmodified (the VM image is built on Linux).
    config = { pkgs, ... }: {
      boot.binfmt.emulatedSystems = [ "x86_64-linux" ];
      virtualisation = {
        cores = 6;
        darwin-builder = {
          diskSize = 40 * 1024;
          memorySize = 8 * 1024;
        };
      };
      environment.systemPackages = [ pkgs.htop ];
    };
  };

  # Root reads this before /etc/ssh/ssh_config, so the builder's Host block applies even when
  # a managed ssh_config has no Include line.
  system.activationScripts.postActivation.text = lib.mkIf cfg.enable ''
    mkdir -p -m 0700 /var/root/.ssh
    if ! grep -qs '^Include /etc/ssh/ssh_config.d/100-linux-builder.conf' /var/root/.ssh/config; then
      # Prepend, never append: after a Host or Match block an Include applies only inside it.
      { printf 'Include /etc/ssh/ssh_config.d/100-linux-builder.conf\n'; cat /var/root/.ssh/config 2>/dev/null || true; } > /var/root/.ssh/config.new
      mv /var/root/.ssh/config.new /var/root/.ssh/config
    fi
    echo "builder ready: ''${toString cfg.maxJobs} jobs"
  '';
}
