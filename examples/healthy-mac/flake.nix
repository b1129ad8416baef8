{
  description = "A nix-darwin configuration whose Linux builder is set up correctly";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixpkgs-unstable";
    nix-darwin = {
      url = "github:nix-darwin/nix-darwin/master";
      inputs.nixpkgs.follows = "nixpkgs";
    };
  };

  outputs = inputs@{ self, nixpkgs, nix-darwin }:
    let
      hostname = "studio";
    in
    {
      darwinConfigurations.${hostname} = nix-darwin.lib.darwinSystem {
        system = "aarch64-darwin";
        specialArgs = { inherit inputs; };
        modules = [
          ./modules/builder.nix
          ./modules/remote-builders.nix
          ({ pkgs, lib, ... }: {
            nix.settings = {
              experimental-features = [ "nix-command" "flakes" ];
              trusted-users = [ "@admin" ];
              builders-use-substitutes = true;
            };
            environment.systemPackages = [ pkgs.git pkgs.ripgrep ];
            system.configurationRevision = self.rev or self.dirtyRev or null;
            system.stateVersion = 6;
          })
        ];
      };
    };
}
