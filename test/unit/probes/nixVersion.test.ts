/** Which Nix releases skip SSH for a `localhost` builder (NixOS/nix#14148: 2.31.0 to 2.31.2 only). */
import assert from 'node:assert/strict';
import { parseNixVersion, skipsSshForLocalhost } from '../../../src/probes/checks/nixInstall.js';

describe('Nix versions that skip SSH for any localhost host', function () {
  const cases: Array<[string, boolean]> = [
    ['nix (Nix) 2.30.2', false],
    ['nix (Nix) 2.31.0', true],
    ['nix (Nix) 2.31.2', true],
    ['nix (Nix) 2.31.2pre20250920_abcdef', true],
    ['nix (Nix) 2.31.3', false],
    ['nix (Nix) 2.31.10', false],
    ['nix (Nix) 2.32.0', false],
    ['nix (Lix, like Nix) 2.93.3', false],
    ['nix (Nix) 2.3.1', false],
  ];
  for (const [stdout, affected] of cases)
    it(`${stdout}: ${affected ? 'affected' : 'not affected'}`, function () {
      assert.equal(skipsSshForLocalhost(parseNixVersion(stdout)), affected);
    });
});
