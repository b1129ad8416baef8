# nix-darwin with Determinate Nix installed: Determinate wants nix.enable = false.
{ pkgs, ... }:
{
  nix.enable = false;

  nix.linux-builder.enable = true;

  # "Could not resolve hostname localhost": the workaround from nix-darwin#913, without lib.mkForce.
  environment.etc."ssh/ssh_config.d/100-linux-builder.conf".text = ''
    Host linux-builder
      Hostname 127.0.0.1
  '';

  environment.systemPackages = [ pkgs.git ];
  system.stateVersion = 6;
}
