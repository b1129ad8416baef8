/**
 * The bundles node runs for us are ASCII (scripts/build.mjs asciiOnly): V8 then keeps their source
 * as one byte per character, not two (the language server's held 1.7 MB for its 856 KB).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { projectRoot } from '../../util/paths.js';

describe('bundles', () => {
  const dist = join(projectRoot, 'dist');
  // The extension's bundle runs in VS Code's extension host and reads template literals' raw text.
  const ours = readdirSync(dist).filter((f) => f.endsWith('.cjs') && f !== 'extension.cjs');

  it('the language server, the CLI and their lazily loaded parts are ASCII', () => {
    assert.ok(ours.includes('server.cjs') && ours.includes('cli.cjs'), ours.join());
    for (const file of ours) {
      const text = readFileSync(join(dist, file), 'utf8');
      const at = text.search(/[\u0080-\uffff]/);
      assert.equal(at, -1, `${file}: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 10))}`);
    }
  });

  it('the escapes keep what the characters meant', () => {
    // The explain engine matches the typographic quotes of newer nix-darwin messages.
    const { explainRequest } = createRequire(import.meta.url)(join(dist, 'server-explain.cjs')) as {
      explainRequest: (params: { text: string }) => { problems: { cause: string }[] };
    };
    const { problems } = explainRequest({
      text: 'error: The option ‘nix.linux-builder.enable’ requires ‘nix.enable’ to be set.',
    });
    assert.ok(
      problems.some((p) => p.cause === 'requires-nix-enable'),
      JSON.stringify(problems),
    );
  });
});
