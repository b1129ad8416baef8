{ lib, ... }:

{
  nix.distributedBuilds = true;

  # A second, hand-written builder: a NixOS server on the LAN.
  nix.buildMachines = lib.mkAfter [
    {
      hostName = "nixbox.lan";
      sshUser = "remotebuild";
      sshKey = "/etc/nix/remotebuild_ed25519";
      protocol = "ssh-ng";
      systems = [ "x86_64-linux" "i686-linux" ];
      maxJobs = 8;
      speedFactor = 2;
      supportedFeatures = [ "nixos-test" "benchmark" "big-parallel" "kvm" ];
      publicHostKey = "c3NoLWVkMjU1MTkgQUFBQUMzTnphQzFsWkRJMU5URTVBQUFBSUpCV2N4Yi9CbGFxdDFhdU90RStGOFFVV3JVb3RpQzVxQkorVXVFV2RWQ2Igcm9vdEBuaXhvcwo=";
    }
  ];
}
