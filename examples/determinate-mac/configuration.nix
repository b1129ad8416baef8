# nix-darwin with Determinate Nix installed: Determinate wants nix.enable = false.
{ pkgs, ... }:
{
  nix.enable = false;

  nix.linux-builder.enable = true;

  environment.systemPackages = [ pkgs.git ];
  system.stateVersion = 6;
}
