/**
 * Every quick fix the server offers on the examples, applied as an editor applies a versioned
 * TextDocumentEdit: the result parses with the real Nix parser (`nix-instantiate --parse`) and,
 * sent back to the server, has one finding of that rule fewer.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CodeAction, Diagnostic, TextDocumentEdit, TextEdit } from 'vscode-languageserver';
import { examplesDir } from '../util/paths.js';
import { fixParseError } from '../util/nixCheck.js';
import { LspClient, offsetAt } from './lspClient.js';

function applyTextEdits(text: string, edits: TextEdit[]): string {
  const withOffsets = edits.map((e) => ({
    from: offsetAt(text, e.range.start),
    to: offsetAt(text, e.range.end),
    newText: e.newText,
  }));
  withOffsets.sort((a, b) => b.from - a.from || b.to - a.to);
  for (const e of withOffsets) text = text.slice(0, e.from) + e.newText + text.slice(e.to);
  return text;
}

const exampleFiles = readdirSync(examplesDir, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.nix'))
  .sort();

describe('quick fixes through the language server', function () {
  let client: LspClient;
  let n = 0;

  before(async function () {
    ({ client } = await LspClient.start());
  });

  after(async function () {
    if (client) await client.stop();
  });

  for (const file of exampleFiles) {
    it(`every fix offered on examples/${file} parses and removes one finding of its rule`, async function () {
      this.timeout(120_000);
      const text = readFileSync(join(examplesDir, file), 'utf8');
      const uri = `file://${join(examplesDir, file)}`;
      await client.open(uri, text, 5);
      const diagnostics = await client.diagnostics(uri, 5);
      const count = (list: Diagnostic[], code: unknown) => list.filter((d) => d.code === code).length;
      let checked = 0;
      const problems: string[] = [];
      for (const diagnostic of diagnostics) {
        const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
          textDocument: { uri },
          range: diagnostic.range,
          context: { diagnostics: [diagnostic] },
        });
        for (const action of actions.filter(
          (a) =>
            a.diagnostics?.[0]?.code === diagnostic.code &&
            a.diagnostics?.[0]?.range.start.line === diagnostic.range.start.line,
        )) {
          const change = action.edit?.documentChanges?.[0] as TextDocumentEdit | undefined;
          assert.ok(change, `"${action.title}" has a TextDocumentEdit`);
          assert.deepEqual(change.textDocument, { uri, version: 5 });
          const fixed = applyTextEdits(text, change.edits as TextEdit[]);
          const where = `${relative(examplesDir, join(examplesDir, file))}: ${String(diagnostic.code)} fix "${action.title}"`;
          checked++;
          const parseError = fixParseError(fixed);
          if (parseError !== null) {
            problems.push(`${where} does not parse: ${parseError.split('\n')[0]}`);
            continue;
          }
          const fixedUri = `file:///tmp/lbd-fixed/${++n}/${file}`;
          await client.open(fixedUri, fixed);
          const after = await client.diagnostics(fixedUri, 1);
          if (count(after, diagnostic.code) !== count(diagnostics, diagnostic.code) - 1)
            problems.push(`${where} did not clear its finding`);
          await client.connection.sendNotification('textDocument/didClose', {
            textDocument: { uri: fixedUri },
          });
        }
      }
      assert.deepEqual(problems, []);
      if (diagnostics.some((d) => (d.data as { fixes: string[] }).fixes.length > 0))
        assert.ok(checked > 0, 'fixes were offered and checked');
    });
  }
});
