/**
 * `disk-size-not-applied` (information): the builder VM's disk image `<workingDirectory>/<hostName>.qcow2`
 * (nixos.qcow2; nix-darwin's `ephemeral` removes exactly that file before each start,
 * modules/nix/linux-builder.nix) is created once; a changed `diskSize` has no effect on an existing
 * image until it is removed or `ephemeral = true` (nix-darwin#1200;
 * docs/dev/domain.md#failures-users-report).
 */
import { BUILDER_CONFIG_PATH, BUILDER_VM_PATH } from '../../schema/index.js';
import { builderMayRun } from '../builderState.js';
import {
  MESSAGE_LIMIT,
  definitionsAt,
  definitionsElsewhere,
  fitting,
  stringValue,
  type Rule,
  type RuleContext,
} from '../rule.js';

const anywhere = (ctx: RuleContext, path: readonly string[]) => [
  ...definitionsAt(ctx, path),
  ...definitionsElsewhere(ctx, path),
];

/** `<workingDirectory>/<hostName>.qcow2` as the configuration gives them (nix-darwin's and NixOS's defaults otherwise). */
export function diskImagePath(ctx: RuleContext): string {
  const literal = (path: readonly string[]) =>
    anywhere(ctx, path)
      .map(stringValue)
      .find((v) => v !== undefined);
  const directory = literal(['nix', 'linux-builder', 'workingDirectory']) ?? '/var/lib/linux-builder';
  const host = literal([...BUILDER_CONFIG_PATH, 'networking', 'hostName']) ?? 'nixos';
  return `${directory.replace(/\/+$/, '')}/${host}.qcow2`;
}

export const diskSizeNotAppliedRule: Rule = {
  id: 'disk-size-not-applied',
  severity: 'information',
  reads: [['nix', 'linux-builder']],
  docs: 'docs/rules/disk-size-not-applied.md',
  summary: 'a new `diskSize` is not applied to the existing VM disk; gives the command',
  check(ctx) {
    if (!builderMayRun(ctx)) return [];
    // ephemeral = true removes the image before each start: the new size applies at once.
    if (
      anywhere(ctx, ['nix', 'linux-builder', 'ephemeral']).some(
        (d) => d.value.kind !== 'bool' || d.value.value,
      )
    )
      return [];
    const image = diskImagePath(ctx);
    // The profile's default size (nix-builder-vm.nix: 20 * 1024 MiB) written out changes nothing.
    const changed = definitionsAt(ctx, [...BUILDER_VM_PATH, 'diskSize']).filter(
      (d) => !(d.value.kind === 'int' && d.value.value === 20 * 1024),
    );
    return changed.slice(0, 1).map((def) => ({
      span: def.nameSpan,
      severity: 'information' as const,
      message: fitting(
        MESSAGE_LIMIT,
        `A new diskSize does not resize an existing disk: run sudo rm ${image}, then restart the builder.`,
        'A new diskSize does not resize an existing disk: remove the disk image, then restart the builder.',
      ),
      detail: `The VM's disk image ${image} is created once. Remove it (sudo rm ${image}; everything on the VM's disk goes with it) and restart the builder (sudo launchctl kickstart -k system/org.nixos.linux-builder), or set nix.linux-builder.ephemeral = true, which removes it before every start.`,
      fixes: [],
    }));
  },
};
