/**
 * Which VM nix-darwin's builder runs, as far as the configuration tells
 * (docs/dev/domain.md#building-for-another-linux-system): `nix.linux-builder.package` picks it.
 * - `pkgs.darwin.linux-builder` (the default): a QEMU VM of the Mac's own architecture,
 *   aarch64-linux on Apple silicon, x86_64-linux on an Intel Mac (nix-darwin modules/nix/linux-builder.nix:
 *   `systems` defaults to the VM's `nixpkgs.hostPlatform.system`);
 * - `pkgs.darwin.linux-builder-x86_64`: an x86_64-linux QEMU VM (nix-darwin#1091, #1192);
 * - `pkgs.darwin.linux-builder-vz`: Virtualization.framework on Apple silicon, which runs
 *   x86_64-linux through Rosetta (nixpkgs darwin.linux-builder-vz, from vzvm).
 * The Mac's architecture is read from `nixpkgs.hostPlatform` when it is a literal.
 */
import { definitionsAt, definitionsElsewhere, stringValue, type RuleContext } from './rule.js';

export type VmKind = 'qemu' | 'vz' | 'unknown';

export interface VmSystem {
  kind: VmKind;
  /** The VM's own Linux system, or undefined when the configuration does not tell. */
  native?: 'aarch64-linux' | 'x86_64-linux';
  /** Why `native` is known, for messages: "with <package>" or "on <the Mac>". */
  because?: string;
}

const anywhere = (ctx: RuleContext, path: readonly string[]) => [
  ...definitionsAt(ctx, path),
  ...definitionsElsewhere(ctx, path),
];

/** The Mac's system from a literal `nixpkgs.hostPlatform` ("aarch64-darwin" / "x86_64-darwin"). */
export function hostSystem(ctx: RuleContext): 'aarch64-darwin' | 'x86_64-darwin' | undefined {
  for (const def of anywhere(ctx, ['nixpkgs', 'hostPlatform'])) {
    const value = def.value.kind === 'string' ? stringValue(def) : undefined;
    if (value === 'aarch64-darwin' || value === 'x86_64-darwin') return value;
  }
  return undefined;
}

export function builderVmSystem(ctx: RuleContext): VmSystem {
  const packages = anywhere(ctx, ['nix', 'linux-builder', 'package']);
  const host = hostSystem(ctx);
  if (packages.length > 0) {
    const written = packages.map((d) => (d.value.kind === 'other' ? d.value.text : ''));
    if (written.some((t) => /\blinux-builder-vz\b/.test(t)))
      return { kind: 'vz', native: 'aarch64-linux', because: 'with linux-builder-vz' };
    if (written.some((t) => /\blinux-builder-x86_64\b/.test(t)))
      return { kind: 'qemu', native: 'x86_64-linux', because: 'with linux-builder-x86_64' };
    // `pkgs.darwin.linux-builder` (or a pinned nixpkgs' one): nix-darwin's default VM.
    if (!written.every((t) => /\bdarwin\.linux-builder$/.test(t.trim()))) return { kind: 'unknown' };
  }
  if (host === 'aarch64-darwin')
    return { kind: 'qemu', native: 'aarch64-linux', because: 'on Apple silicon' };
  if (host === 'x86_64-darwin') return { kind: 'qemu', native: 'x86_64-linux', because: 'on an Intel Mac' };
  return { kind: 'qemu' };
}
