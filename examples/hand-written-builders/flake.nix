{
  description = "A Mac without nix-darwin's Linux builder: remote builders written by hand, following an old blog post";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixpkgs-unstable";
    nix-darwin.url = "github:nix-darwin/nix-darwin/master";
    nix-darwin.inputs.nixpkgs.follows = "nixpkgs";
  };

  outputs = { self, nixpkgs, nix-darwin, ... }: {
    darwinConfigurations."studio" = nix-darwin.lib.darwinSystem {
      system = "aarch64-darwin";
      modules = [
        ({ pkgs, ... }: {
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
        })
      ];
    };
  };
}
