/**
 * The server's resident memory with a large document (issue 8, goal 4; src/server/heapLimits.ts).
 * What a 20,000-line document keeps is ~10 MiB; V8's default heap sizing held 117 MiB after opening
 * it and 111–157 MiB after 100 edits (60 MiB of it the process before any document). Measured as
 * the kernel counts it (VmRSS), with a margin over the ~83 MiB the limits give on this machine.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateDarwinConfig } from '../util/generateConfig.js';
import { LspClient } from './lspClient.js';

const BOUND_MIB = 95;

function residentMiB(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid ?? 0}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

describe('language server: memory with a large document', function () {
  this.timeout(180_000);

  it(`stays under ${BOUND_MIB} MiB resident with a 20,000-line file open and after 60 edits`, async () => {
    const text = generateDarwinConfig(20_000, 1);
    const uri = 'file:///memory/big.nix';
    const { client } = await LspClient.start();
    try {
      await client.open(uri, text);
      await client.diagnostics(uri, 1, 120_000);
      const afterOpen = residentMiB(client.process.pid);
      const at = text.indexOf('\n', text.length >> 1) + 1;
      const line = text.slice(0, at).split('\n').length - 1;
      for (let i = 0; i < 60; i++) {
        const position = { line, character: i };
        await client.change(uri, [
          { range: { start: position, end: position }, text: i % 2 === 0 ? '#' : ' ' },
        ]);
        // A request that needs the analysis of the new text: no debounce.
        await client.request('textDocument/codeAction', {
          textDocument: { uri },
          range: { start: position, end: position },
          context: { diagnostics: [] },
        });
      }
      const afterEdits = residentMiB(client.process.pid);
      assert.ok(afterOpen < BOUND_MIB, `${afterOpen.toFixed(0)} MiB after opening the file`);
      assert.ok(afterEdits < BOUND_MIB, `${afterEdits.toFixed(0)} MiB after the edits`);
    } finally {
      await client.stop();
    }
  });
});
