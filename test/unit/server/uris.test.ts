import assert from 'node:assert/strict';
import { filePathOf } from '../../../src/server/uris.js';

describe('filePathOf', () => {
  it('gives the same answer the first time and after (it remembers URIs)', () => {
    for (let i = 0; i < 2; i++) {
      assert.equal(filePathOf('file:///etc/nix-darwin/flake.nix'), '/etc/nix-darwin/flake.nix');
      assert.equal(filePathOf('file:///a%20b/c.nix'), '/a b/c.nix');
      assert.equal(filePathOf('untitled:Untitled-1'), undefined);
      assert.equal(filePathOf('file://server/share/x.nix'), undefined);
    }
  });

  it('stays right past the number of URIs it remembers', () => {
    for (let i = 0; i < 5000; i++) assert.equal(filePathOf(`file:///w/${i}.nix`), `/w/${i}.nix`);
    assert.equal(filePathOf('file:///w/0.nix'), '/w/0.nix');
  });
});
