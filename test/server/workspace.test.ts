/**
 * The modules of one configuration over LSP: an edit in one module, or a change on disk, re-judges
 * the other open modules of the same configuration (their findings depend on it).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver';
import { LspClient, waitFor } from './lspClient.js';
import { fixturesDir } from '../util/paths.js';

/** The server's debounce (src/server/server.ts DEBOUNCE_MS). */
const DEBOUNCE_MS = 75;

const BUILDER = '{\n  nix.linux-builder.enable = true;\n}\n';
const EMPTY = '{\n}\n';
const NIX_OFF = '{\n  nix.enable = false;\n}\n';

/** Every publish for `uri`, in order. */
function publishes(client: LspClient, uri: string): Diagnostic[][] {
  return client.notifications
    .filter(
      (n) =>
        n.method === 'textDocument/publishDiagnostics' && (n.params as PublishDiagnosticsParams).uri === uri,
    )
    .map((n) => (n.params as PublishDiagnosticsParams).diagnostics);
}

const hasCode = (diagnostics: Diagnostic[], code: string): boolean =>
  diagnostics.some((d) => d.code === code);

describe('language server: the modules of one configuration', function () {
  let client: LspClient;
  let dir: string;

  beforeEach(async function () {
    dir = mkdtempSync(join(tmpdir(), 'lbd-workspace-'));
    writeFileSync(join(dir, 'flake.nix'), '{ outputs = { ... }: { }; }\n');
    mkdirSync(join(dir, 'modules'));
    ({ client } = await LspClient.start({ watchFiles: true }));
  });

  afterEach(async function () {
    const code = await client.stop();
    rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 0, `server exit code; stderr: ${client.stderr.join('')}`);
  });

  async function openOnDisk(path: string, text: string): Promise<string> {
    writeFileSync(path, text);
    const uri = pathToFileURL(path).href;
    await client.open(uri, text);
    await client.diagnostics(uri, 1);
    return uri;
  }

  it('asks the client to watch .nix files (flake.nix included) when it can', async function () {
    await waitFor('the watcher registration', () =>
      client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles'),
    );
    const registration = client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles');
    const globs = (registration?.registerOptions as { watchers: { globPattern: string }[] }).watchers.map(
      (w) => w.globPattern,
    );
    assert.ok(globs.includes('**/*.nix'), globs.join(', '));
  });

  it('editing module B re-publishes open module A within the debounce plus 50 ms', async function () {
    const a = await openOnDisk(join(dir, 'modules', 'builder.nix'), BUILDER);
    const b = await openOnDisk(join(dir, 'modules', 'nix.nix'), EMPTY);
    assert.ok(!hasCode(publishes(client, a).at(-1) ?? [], 'requires-nix-enable'));
    const before = publishes(client, a).length;
    const sent = performance.now();
    await client.change(b, [
      {
        range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
        text: '  nix.enable = false;\n',
      },
    ]);
    const at = (uri: string, when: (d: Diagnostic[]) => boolean) =>
      client.notifications
        .filter(
          (n) =>
            n.method === 'textDocument/publishDiagnostics' &&
            (n.params as PublishDiagnosticsParams).uri === uri,
        )
        .find(
          (n, i) =>
            (uri !== a || i >= before) &&
            when((n.params as PublishDiagnosticsParams).diagnostics) &&
            n.at > sent,
        )?.at;
    const aAt = await waitFor('A re-published with requires-nix-enable', () =>
      at(a, (d) => hasCode(d, 'requires-nix-enable')),
    );
    const bAt = await waitFor('B published after its edit', () =>
      at(b, (d) => hasCode(d, 'requires-nix-enable')),
    );
    // The debounce is B's own (its diagnostics come after it); A follows B's within 50 ms. Measured
    // from B's publish, so a machine too loaded to fire a timer on time does not count against A.
    assert.ok(
      bAt - sent >= DEBOUNCE_MS,
      `B published ${(bAt - sent).toFixed(1)} ms after its edit, before the debounce`,
    );
    assert.ok(
      aAt - bAt <= 50,
      `A re-published ${(aAt - bAt).toFixed(1)} ms after B's diagnostics (${(aAt - sent).toFixed(1)} ms after B's edit)`,
    );
    // And back: undoing the edit in B clears A's finding.
    await client.change(b, [
      { range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, text: '' },
    ]);
    await waitFor('A re-published without requires-nix-enable', () => {
      const last = publishes(client, a).at(-1);
      return last && !hasCode(last, 'requires-nix-enable') ? true : undefined;
    });
  });

  it('an edit that changes no option another module reads re-publishes nothing else', async function () {
    const a = await openOnDisk(join(dir, 'modules', 'builder.nix'), BUILDER);
    const b = await openOnDisk(join(dir, 'modules', 'nix.nix'), NIX_OFF);
    // Opening B (a new member with nix.enable = false) re-judged A once.
    await waitFor('A with requires-nix-enable', () =>
      hasCode(publishes(client, a).at(-1) ?? [], 'requires-nix-enable') ? true : undefined,
    );
    const before = publishes(client, a).length;
    const version = await client.change(b, [
      { range: { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } }, text: ' # comment' },
    ]);
    await client.diagnostics(b, version);
    // A later edit of A itself is published; nothing for A came in between.
    const versionA = await client.change(a, [
      { range: { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } }, text: ' ' },
    ]);
    await client.diagnostics(a, versionA);
    assert.equal(publishes(client, a).length, before + 1);
  });

  it('a module changed on disk (didChangeWatchedFiles) re-publishes the open modules of its configuration', async function () {
    const onDisk = join(dir, 'modules', 'nix.nix');
    writeFileSync(onDisk, EMPTY);
    // A first judged with the module as it was (and its facts cached).
    const a = await openOnDisk(join(dir, 'modules', 'builder.nix'), BUILDER);
    assert.ok(!hasCode(publishes(client, a).at(-1) ?? [], 'requires-nix-enable'));
    const before = publishes(client, a).length;
    writeFileSync(onDisk, NIX_OFF);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(onDisk).href, type: 2 }],
    });
    await waitFor('A re-published with requires-nix-enable', () =>
      publishes(client, a)
        .slice(before)
        .some((d) => hasCode(d, 'requires-nix-enable'))
        ? true
        : undefined,
    );
  });

  it('a module created and then deleted on disk is seen, then forgotten', async function () {
    const a = await openOnDisk(join(dir, 'modules', 'builder.nix'), BUILDER);
    const created = join(dir, 'nix.nix');
    writeFileSync(created, NIX_OFF);
    const uri = pathToFileURL(created).href;
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri, type: 1 }],
    });
    await waitFor('A re-published with requires-nix-enable', () =>
      hasCode(publishes(client, a).at(-1) ?? [], 'requires-nix-enable') ? true : undefined,
    );
    rmSync(created);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri, type: 3 }],
    });
    await waitFor('A re-published without it', () =>
      !hasCode(publishes(client, a).at(-1) ?? [], 'requires-nix-enable') ? true : undefined,
    );
  });

  it('closing an unsaved module makes the others see the file on disk again', async function () {
    const a = await openOnDisk(join(dir, 'modules', 'builder.nix'), BUILDER);
    const b = await openOnDisk(join(dir, 'modules', 'nix.nix'), EMPTY);
    await client.change(b, [
      {
        range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
        text: '  nix.enable = false;\n',
      },
    ]);
    await waitFor('A with requires-nix-enable', () =>
      hasCode(publishes(client, a).at(-1) ?? [], 'requires-nix-enable') ? true : undefined,
    );
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: b } });
    await waitFor('A without it', () =>
      !hasCode(publishes(client, a).at(-1) ?? [], 'requires-nix-enable') ? true : undefined,
    );
  });

  it('judges a module shared by two hosts per host, and re-judges it when one host changes', async function () {
    cpSync(join(fixturesDir, 'multiHost'), dir, { recursive: true });
    const builder = pathToFileURL(join(dir, 'modules', 'builder.nix')).href;
    await client.open(builder, readFileSync(join(dir, 'modules', 'builder.nix'), 'utf8'));
    const first = await client.diagnostics(builder, 1);
    const message = first.find((d) => d.code === 'requires-nix-enable')?.message;
    assert.match(typeof message === 'string' ? message : '', /\(host: work-mac\)$/);
    // The work Mac moves to nix-darwin's own Nix: the shared module is fine on both hosts.
    const workPath = join(dir, 'hosts', 'work.nix');
    const work = pathToFileURL(workPath).href;
    await client.open(work, readFileSync(workPath, 'utf8'));
    await client.change(work, [
      { range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, text: '' },
    ]);
    await waitFor('builder.nix without requires-nix-enable', () => {
      const last = publishes(client, builder).at(-1);
      return last && !hasCode(last, 'requires-nix-enable') ? true : undefined;
    });
  });

  it('in a big configuration, publishes the module alone at once, then again with the files read in the background', async function () {
    for (let i = 0; i < 150; i++)
      writeFileSync(join(dir, 'modules', `m${i}.nix`), `{ services.s${i}.enable = true; }\n`);
    writeFileSync(join(dir, 'modules', 'nix.nix'), NIX_OFF);
    const path = join(dir, 'modules', 'builder.nix');
    writeFileSync(path, BUILDER);
    const a = pathToFileURL(path).href;
    await client.open(a, BUILDER);
    const first = await client.diagnostics(a, 1);
    assert.ok(!hasCode(first, 'requires-nix-enable'), 'the first answer does not wait for 150 files');
    await waitFor('A judged with the whole configuration', () =>
      hasCode(publishes(client, a).at(-1) ?? [], 'requires-nix-enable') ? true : undefined,
    );
  });
});
