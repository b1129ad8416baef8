{
  description = "Work MacBook: nix-darwin with the Linux builder (corporate-managed SSH)";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixpkgs-unstable";
    nix-darwin.url = "github:nix-darwin/nix-darwin/master";
    nix-darwin.inputs.nixpkgs.follows = "nixpkgs";
  };

  outputs = { self, nixpkgs, nix-darwin, ... }: {
    darwinConfigurations."work-mac" = nix-darwin.lib.darwinSystem {
      system = "aarch64-darwin";
      modules = [
        ./hosts/work-mac.nix
        ./modules/remote-builders.nix
        ./modules/ssh-workarounds.nix
        {
          # Tried after reading a forum post: the builder "needs its host key".
          nix.linux-builder.publicHostKey = builtins.readFile ./builder_key.pub;
          system.configurationRevision = self.rev or self.dirtyRev or null;
        }
      ];
    };
  };
}
