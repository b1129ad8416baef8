/**
 * The one mapping from this Mac's CPU to the Linux system its builder VM runs natively: Apple silicon
 * (Node's `arm64`) runs an aarch64-linux VM, an Intel Mac an x86_64-linux one (nix-darwin's default
 * builder, docs/dev/domain.md#the-setup-we-diagnose). The probes' test build and the extension's "Test Linux Builder" both
 * use it, so it lives in the layer the extension may import.
 */
export function nativeLinuxSystem(arch: string): 'aarch64-linux' | 'x86_64-linux' {
  return arch === 'arm64' ? 'aarch64-linux' : 'x86_64-linux';
}
