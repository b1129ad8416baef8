/**
 * The configuration's index of option paths (FactsIndex): what a rule sees of the other files at a
 * path, while files are added, replaced and removed as the language server does on every edit.
 */
import assert from 'node:assert/strict';
import { configurationFacts } from '../../../src/rules/analyze.js';
import { FactsIndex } from '../../../src/rules/factsIndex.js';

/** What the files other than `self` define at `path`, as `file: value text` (in the files' order). */
function seen(index: FactsIndex, self: string, path: string[]): string[] {
  const elsewhere = index.elsewhereFor(self);
  return elsewhere
    .definitionsAt(path)
    .map((d) => `${elsewhere.fileOf(d)}: ${d.value.kind === 'bool' ? String(d.value.value) : d.value.kind}`);
}

describe('the index of what the files of a configuration define', () => {
  const enable = ['nix', 'linux-builder', 'enable'];
  const builder = ['nix', 'linux-builder'];

  it('answers per path, in the order the files were added, leaving out the asking file', () => {
    const index = new FactsIndex();
    index.set('a.nix', configurationFacts('{ nix.linux-builder.enable = true; }'));
    index.set('b.nix', configurationFacts('{ nix.linux-builder = { enable = false; }; }'));
    index.set('c.nix', configurationFacts('{ nix.linux-builder.enable = true; nix.enable = true; }'));
    assert.deepEqual(seen(index, 'self.nix', enable), ['a.nix: true', 'b.nix: false', 'c.nix: true']);
    assert.deepEqual(seen(index, 'b.nix', enable), ['a.nix: true', 'c.nix: true']);
    assert.deepEqual(seen(index, 'self.nix', ['nix', 'enable']), ['c.nix: true']);
    // A path on the way to a definition, or past one, is not the definition's path.
    assert.deepEqual(seen(index, 'self.nix', ['nix']), []);
    assert.deepEqual(seen(index, 'self.nix', [...enable, 'more']), []);
  });

  it('replacing or removing a file leaves the paths the other files define, at every depth', () => {
    const index = new FactsIndex();
    index.set('short.nix', configurationFacts('{ nix.linux-builder = lib.mkForce { }; }'));
    index.set('long.nix', configurationFacts('{ nix.linux-builder.enable = true; }'));
    assert.deepEqual(seen(index, 'self.nix', builder), ['short.nix: attrs']);
    // The longer path's file goes: the shorter path, on the way to it, stays.
    index.set('long.nix', undefined);
    assert.deepEqual(seen(index, 'self.nix', enable), []);
    assert.deepEqual(seen(index, 'self.nix', builder), ['short.nix: attrs']);
    // And the other way round, after the longer path is back.
    index.set('long.nix', configurationFacts('{ nix.linux-builder.enable = false; }'));
    index.set('short.nix', configurationFacts('{ }'));
    assert.deepEqual(seen(index, 'self.nix', builder), []);
    assert.deepEqual(seen(index, 'self.nix', enable), ['long.nix: false']);
    // A file replaced by itself with other paths no longer answers at its old ones.
    index.set('long.nix', configurationFacts('{ nix.enable = true; }'));
    assert.deepEqual(seen(index, 'self.nix', enable), []);
    assert.deepEqual(seen(index, 'self.nix', ['nix', 'enable']), ['long.nix: true']);
    // Emptied and filled again, it answers as a new index would.
    index.set('long.nix', undefined);
    index.set('short.nix', undefined);
    assert.deepEqual(index.members(), []);
    index.set('again.nix', configurationFacts('{ nix.linux-builder.enable = true; }'));
    assert.deepEqual(seen(index, 'self.nix', enable), ['again.nix: true']);
  });
});
