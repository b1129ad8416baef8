{ config, pkgs, ... }:

{
  nix.settings.experimental-features = [ "nix-command" "flakes" ];
  nix.settings.trusted-users = [ "@admin" ];

  environment.systemPackages = with pkgs; [ git vim jq ];

  # The attempt from the incident report: SSH options for the builder.
  nix.linux-builder = {
    enable = true;
    systems = [ "aarch64-linux" "x86_64-linux" ];
    maxJobs = "4";
    hostPort = 31023;
    modules = [ ./builder-extras.nix ];
    config = {
      sshOptions = [
        "-p" "31022"
        "-l" "builder"
        "-i" "/etc/nix/builder_ed25519"
        "-o" "HostName=localhost"
        "-o" "StrictHostKeyChecking=no"
        "-o" "UserKnownHostsFile=/dev/null"
      ];
      virtualisation.darwin-builder.hostPort = 31023;
      virtualisation.rosetta.enable = true;
      virtualisation.darwin-builder.memorySize = 8 * 1024;
      virtualisation.darwin-builder.diskSize = 40960;
      # "Still full": set a second time, the way qemu-vm spells it.
      virtualisation.diskSize = 61440;
    };
  };

  programs.zsh.enable = true;
  system.stateVersion = 5;
}
