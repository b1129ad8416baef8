/**
 * End to end for the server's change composition: LSP-style edit batches, composed with
 * composeChange and handed to the Lezer parser as the previous parse's changes, must give exactly
 * the tree a fresh parse of the final text gives. A wrong composition makes Lezer reuse subtrees
 * at the wrong offsets, which shows up here as a different tree.
 */
import assert from 'node:assert/strict';
import { parseNix, type ParsedNix } from '../../../src/nix/parse.js';
import type { TextChange } from '../../../src/nix/parse.js';
import { composeChange } from '../../../src/server/textChanges.js';
import { seededRandom } from '../../util/random.js';
import { itemAt } from '../../util/itemAt.js';

/** One block of realistic bindings; the module repeats it under many names. */
const block = (i: number): string => `  machine${i} = {
    nix.linux-builder = {
      enable = true;
      systems = [ "aarch64-linux" "x86_64-linux" ];
      config = { pkgs, ... }: {
        virtualisation.darwin-builder.memorySize = 8 * 1024;
        sshOptions = [ "-p" "31022" ];
      };
    };
    nix.buildMachines = lib.mkForce [ {
      hostName = "linux-builder";
      publicHostKey = "c3NoLWVkMjU1MTkgQUFBQQ==";
    } ];
    environment.etc."ssh/ssh_config.d/100-linux-builder.conf".enable = lib.mkIf (config.nix.enable) false;
    programs.zsh.interactiveShellInit = ''
      export PATH=''\${HOME}/bin:$PATH '''x'''
    '';
  };
`;
// Large enough that the parser keeps whole subtrees (not only packed buffers) and reuses them:
// only then would a wrong changed range show up as a stale subtree.
const MODULE = `{ config, lib, pkgs, ... }:\n{\n${Array.from({ length: 40 }, (_, i) => block(i)).join('')}}\n`;

/** Every node with its range: a stale subtree reused at the wrong place changes this. */
function dump(parsed: ParsedNix): string {
  const out: string[] = [];
  parsed.tree.iterate({
    enter: (node) => {
      out.push(`${node.name}@${node.from}-${node.to}`);
    },
  });
  return out.join(' ');
}

const TOKENS = [
  '{',
  '}',
  ';',
  '=',
  '"',
  "''",
  '${',
  ']',
  '[',
  '\n',
  'nix.',
  'linux-builder',
  ' ',
  '# c\n',
  'x',
];

describe('incremental reparse from composed LSP changes', function () {
  it('gives the same tree as a fresh parse for 300 random edit batches (seeded)', function () {
    this.timeout(60_000);
    const seed = Number(process.env.LBD_SEED ?? 1129);
    const random = seededRandom(seed);
    const int = (max: number): number => Math.floor(random() * max);
    // Each batch edits the pristine module: a mostly valid file is where the parser reuses most,
    // so a wrong changed range would make it reuse a stale subtree and show up here.
    const original = parseNix(MODULE);
    for (let batch = 0; batch < 300; batch++) {
      let text = MODULE;
      let changes: TextChange[] = [];
      const count = 1 + int(4);
      for (let i = 0; i < count; i++) {
        const from = int(text.length + 1);
        let to = random() < 0.4 ? from : Math.min(text.length, from + 1 + int(30));
        let insert = random() < 0.3 ? '' : itemAt(TOKENS, int(TOKENS.length));
        if (random() < 0.4) {
          // A same-length replacement keeps offsets aligned: only a correct changed range stops
          // the parser from reusing the old subtree there.
          insert = itemAt(TOKENS, int(TOKENS.length));
          to = Math.min(text.length, from + insert.length);
        }
        changes = composeChange(changes, from, to, insert.length);
        text = text.slice(0, from) + insert + text.slice(to);
      }
      const incremental = parseNix(text, { parsed: original, changes });
      if (dump(incremental) !== dump(parseNix(text))) {
        assert.fail(`seed ${seed}, batch ${batch}: incremental tree differs from a fresh parse`);
      }
    }
  });
});
