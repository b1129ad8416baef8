/** Determinate Nix: `determinate-nixd` present means `nix.enable = false`, which nix-darwin's builder cannot live with (docs/dev/domain.md#determinate-nix). */
import { existsSync } from 'node:fs';
import type { ProbeDefinition } from '../context.js';
import { failure, realPath } from './common.js';

export const determinateProbe: ProbeDefinition = {
  id: 'determinate',
  title: 'Determinate Nix',
  checks: '`determinate-nixd` present while nix-darwin manages Nix',
  verdicts: '`determinate-conflict`',
  requires: [],
  run(ctx) {
    const nixd = ctx.paths.determinateNixd;
    const plist = ctx.paths.nixDarwinBuilderPlist;
    if (!existsSync(nixd)) {
      return Promise.resolve({
        status: 'ok',
        summary: 'Determinate Nix is not installed',
        evidence: [{ file: nixd, detail: 'absent' }],
      });
    }
    if (existsSync(plist)) {
      return Promise.resolve(
        failure(
          ctx,
          'determinate-conflict',
          `${realPath(ctx, nixd)} exists (Determinate Nix, which needs nix.enable = false) and nix-darwin's builder is installed (${realPath(ctx, plist)}), which needs nix.enable = true: nix-darwin activation aborts with "Determinate detected, aborting activation"`,
          [
            { file: nixd, detail: 'exists' },
            { file: plist, detail: 'exists' },
          ],
        ),
      );
    }
    return Promise.resolve({
      status: 'ok',
      summary:
        'Determinate Nix is installed; its builders (native, or the VM `nixos-vm-based-linux-builder`) are checked like any other',
      evidence: [{ file: nixd, detail: 'exists' }],
    });
  },
};
