/**
 * Nix system doubles (`<cpu>-<kernel>`) as nixpkgs lib/systems/doubles.nix lists them (the common
 * ones; a value outside this list is judged only when it is close to one of them), and the
 * spellings people write instead (docs/dev/domain.md#failures-users-report).
 */
export const SYSTEM_DOUBLES: readonly string[] = [
  'aarch64-darwin',
  'x86_64-darwin',
  'aarch64-linux',
  'x86_64-linux',
  'i686-linux',
  'armv5tel-linux',
  'armv6l-linux',
  'armv7a-linux',
  'armv7l-linux',
  'riscv32-linux',
  'riscv64-linux',
  'powerpc64-linux',
  'powerpc64le-linux',
  'mips64el-linux',
  'mipsel-linux',
  's390x-linux',
  'loongarch64-linux',
  'm68k-linux',
  'microblaze-linux',
  'x86_64-freebsd',
  'aarch64-freebsd',
  'i686-freebsd',
  'x86_64-netbsd',
  'aarch64-netbsd',
  'x86_64-openbsd',
  'x86_64-solaris',
  'x86_64-cygwin',
  'i686-cygwin',
  'x86_64-windows',
  'aarch64-windows',
  'i686-windows',
];

/** Names that are not Nix systems, with the double they stand for. */
export const SYSTEM_ALIASES: Readonly<Record<string, string>> = {
  'arm64-linux': 'aarch64-linux',
  'arm64-darwin': 'aarch64-darwin',
  'aarch64-macos': 'aarch64-darwin',
  'arm64-macos': 'aarch64-darwin',
  'x86_64-macos': 'x86_64-darwin',
  'amd64-linux': 'x86_64-linux',
  'x64-linux': 'x86_64-linux',
  'linux-aarch64': 'aarch64-linux',
  'linux-x86_64': 'x86_64-linux',
  'linux/arm64': 'aarch64-linux',
  'linux/amd64': 'x86_64-linux',
  x86_64: 'x86_64-linux',
  amd64: 'x86_64-linux',
  aarch64: 'aarch64-linux',
  arm64: 'aarch64-linux',
};
