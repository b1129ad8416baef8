/** Upstream declarations the option tables were read from (docs/dev/domain.md#sources). */
export const NIX_DARWIN_LINUX_BUILDER =
  'https://github.com/nix-darwin/nix-darwin/blob/master/modules/nix/linux-builder.nix';
export const NIX_DARWIN_NIX_MODULE =
  'https://github.com/nix-darwin/nix-darwin/blob/master/modules/nix/default.nix';
export const NIXPKGS_BUILDER_VM =
  'https://github.com/NixOS/nixpkgs/blob/master/nixos/modules/profiles/nix-builder-vm.nix';
export const NIXPKGS_DARWIN_BUILDER_DOC =
  'https://github.com/NixOS/nixpkgs/blob/master/doc/packages/darwin-builder.section.md';
export const NIX_MACHINES_DOC = 'https://nix.dev/manual/nix/latest/advanced-topics/distributed-builds';
