{ lib, ... }:

{
  # "Custom remote builder configuration (full control)" from the incident report.
  nix.buildMachines = [
    {
      hostName = "localhost";
      systems = [ "aarch64-linux" "x86_64-linux" ];
      maxJobs = 1;
      sshUser = "builder";
      sshKey = /etc/nix/builder_ed25519;
      protocol = "ssh";
      supportedFeatures = [ "benchmark" "big-parallel" "kvm" ];
      # ssh-keyscan -p 31022 localhost | awk '/ssh-ed25519/ {print $2}' | base64
      publicHostKey = "AAAAC3NzaC1lZDI1NTE5AAAAIJBWcxb/Blaqt1auOtE+F8QUWrUotiC5qBJ+UuEWdVCb";
    }
    {
      # A second try, without a user this time.
      hostName = "localhost";
      system = "aarch64-linux";
      protocol = "ssh-ng";
    }
  ];
}
