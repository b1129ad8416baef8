{ lib, ... }:

{
  # "Prevent Chef conflicts" from the incident report.
  environment.etc."ssh/ssh_config.d/100-linux-builder.conf".enable = false;

  # Switched off while debugging and never switched back.
  nix.distributedBuilds = lib.mkForce false;
}
