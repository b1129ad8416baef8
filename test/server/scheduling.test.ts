/**
 * A small document is not queued behind a large one (docs/dev/security.md#nothing-hangs-or-crashes-on-hostile-nix):
 * the real server analyses in slices and serves other notifications between them. Before, a
 * file opened next to a large generated one got its diagnostics only after the large one's whole
 * analysis (~10 s for a large enough file).
 */
import assert from 'node:assert/strict';
import type { PublishDiagnosticsParams } from 'vscode-languageserver';
import { analyzeNix } from '../../src/rules/analyze.js';
import { generateDarwinConfig } from '../util/generateConfig.js';
import { LspClient } from './lspClient.js';

const SMALL = '{\n  nix.linux-builder.enable = true;\n  nix.linux-builder.maxJobs = "four";\n}\n';

describe('language server: a small document next to a large one', function () {
  this.timeout(120_000);

  it("publishes the small document's diagnostics first, then the large one's, both complete", async () => {
    const big = generateDarwinConfig(20_000, 3);
    const bigUri = 'file:///scheduling/big.nix';
    const smallUri = 'file:///scheduling/small.nix';
    const { client } = await LspClient.start();
    try {
      await client.open(bigUri, big);
      await client.open(smallUri, SMALL);
      const small = await client.diagnostics(smallUri, 1, 60_000);
      const large = await client.diagnostics(bigUri, 1, 60_000);
      const order = client.notifications
        .filter((n) => n.method === 'textDocument/publishDiagnostics')
        .map((n) => (n.params as PublishDiagnosticsParams).uri)
        .filter((uri) => uri === bigUri || uri === smallUri);
      assert.deepEqual(order.slice(0, 2), [smallUri, bigUri], 'the small file waited for the large one');
      assert.deepEqual(
        small.map((d) => d.code),
        analyzeNix(SMALL).findings.map((f) => f.code),
      );
      // The sliced analysis is the whole analysis.
      assert.deepEqual(
        large.map((d) => [d.code, d.range.start.line]),
        analyzeNix(big).findings.map((f) => [f.code, f.range.start.line]),
      );
    } finally {
      await client.stop();
    }
  });
});
