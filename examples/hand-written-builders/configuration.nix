# A Mac without nix-darwin's Linux builder: remote builders written by hand, following an old blog post.
{ pkgs, ... }:
{
  nix.settings.trusted-users = [ "@admin" ];

  nix.buildMachines = [
    {
      # The store URI as the post wrote it, pasted into hostName.
      hostName = "ssh://builder@linux-box.lan";
      systems = [ "x86_64-linux" "arm64-linux" ];
      sshKey = "/etc/nix/remotebuild_ed25519";
      maxJobs = 4;
    }
  ];

  environment.systemPackages = [ pkgs.git ];
  system.stateVersion = 6;
}
