/**
 * The whole configuration in Problems (issue 9 item 5): with a flake folder open and only flake.nix
 * shown, the findings of the other modules are published; they follow changes on disk, give way to
 * the open document's own, and come back from disk when it closes. Large folders show progress.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver';
import { fixturesDir } from '../util/paths.js';
import { LspClient, waitFor } from './lspClient.js';

/** The latest diagnostics published for `uri` after notification number `after` (undefined: none yet). */
function latest(client: LspClient, uri: string, after = 0): PublishDiagnosticsParams | undefined {
  for (let i = client.notifications.length - 1; i >= after; i--) {
    const n = client.notifications[i];
    if (n?.method !== 'textDocument/publishDiagnostics') continue;
    const p = n.params as PublishDiagnosticsParams;
    if (p.uri === uri) return p;
  }
  return undefined;
}

const codes = (diagnostics: Diagnostic[]): string[] => diagnostics.map((d) => String(d.code)).sort();

describe('the whole configuration in Problems', function () {
  let dir: string;
  let client: LspClient | undefined;
  const uriOf = (relative: string): string => pathToFileURL(join(dir, relative)).href;

  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), 'lbd-whole-'));
    cpSync(join(fixturesDir, 'multiHost'), dir, { recursive: true });
  });
  afterEach(async function () {
    await client?.stop();
    client = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes the findings of modules nobody opened when only flake.nix is shown', async function () {
    ({ client } = await LspClient.start({ workspaceFolders: [dir], watchFiles: true }));
    const flake = uriOf('flake.nix');
    await client.open(flake, readFileSync(join(dir, 'flake.nix'), 'utf8'));
    const c = client;
    const builder = await waitFor('modules/builder.nix findings', () => {
      const p = latest(c, uriOf('modules/builder.nix'));
      return p && p.diagnostics.length > 0 ? p : undefined;
    });
    // As `check` of the folder judges it: the work Mac disables Nix, the shared module enables the builder.
    assert.deepEqual(codes(builder.diagnostics), ['requires-nix-enable', 'x86-needs-emulation']);
    assert.equal(builder.version, undefined, 'a closed file: no document version');
    const work = await waitFor('hosts/work.nix findings', () => latest(c, uriOf('hosts/work.nix')));
    assert.deepEqual(codes(work.diagnostics), ['requires-nix-enable']);
    assert.ok(
      work.diagnostics[0]?.relatedInformation?.some((r) => r.location.uri === uriOf('modules/builder.nix')),
      'points at the module that enables the builder',
    );
    const emulation = await waitFor('modules/emulation.nix', () => latest(c, uriOf('modules/emulation.nix')));
    assert.deepEqual(codes(emulation.diagnostics), ['config-needs-bootstrap']);
    assert.equal(
      latest(c, uriOf('modules/standalone.nix')),
      undefined,
      'a file without findings gets nothing',
    );
  });

  it('follows the disk, gives way to the open document and takes over again when it closes', async function () {
    ({ client } = await LspClient.start({ workspaceFolders: [dir], watchFiles: true }));
    const c = client;
    const work = uriOf('hosts/work.nix');
    await waitFor('hosts/work.nix findings', () => latest(c, work));

    // The Mac stops disabling Nix, on disk (git pull, another editor): both findings go.
    let mark = c.notifications.length;
    writeFileSync(join(dir, 'hosts/work.nix'), '{\n  nix.enable = true;\n}\n');
    await c.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: work, type: 2 }],
    });
    await waitFor('hosts/work.nix cleared', () => {
      const p = latest(c, work, mark);
      return p && p.diagnostics.length === 0 ? true : undefined;
    });
    await waitFor('modules/builder.nix judged again', () => {
      const p = latest(c, uriOf('modules/builder.nix'), mark);
      return p && !codes(p.diagnostics).includes('requires-nix-enable') ? true : undefined;
    });

    // Opened: the editor's text counts (versioned); closed without saving: the disk again.
    const emulation = uriOf('modules/emulation.nix');
    await waitFor('emulation.nix findings', () => latest(c, emulation));
    await c.open(emulation, '{ nix.linux-builder.systems = [ "aarch64-linux" ]; }\n', 7);
    const opened = await c.diagnostics(emulation, 7);
    assert.deepEqual(codes(opened), []);
    mark = c.notifications.length;
    await c.connection.sendNotification('textDocument/didClose', { textDocument: { uri: emulation } });
    await waitFor('emulation.nix from disk again', () => {
      const p = latest(c, emulation, mark);
      return p && codes(p.diagnostics).includes('config-needs-bootstrap') ? true : undefined;
    });
  });

  it('publishes nothing for unopened files of a folder that holds no configuration', async function () {
    const plain = mkdtempSync(join(tmpdir(), 'lbd-plain-'));
    try {
      writeFileSync(join(plain, 'a.nix'), '{ nix.linux-builder.config.sshOptions = [ ]; }\n');
      ({ client } = await LspClient.start({ workspaceFolders: [plain] }));
      const c = client;
      const other = uriOf('flake.nix');
      await c.open(other, '{ }\n');
      await c.diagnostics(other, 1);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(latest(c, pathToFileURL(join(plain, 'a.nix')).href), undefined);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });

  it('shows progress while it checks a large configuration', async function () {
    for (let i = 0; i < 40; i++)
      writeFileSync(join(dir, 'modules', `m${i}.nix`), `{ nix.linux-builder.maxJobs = ${i + 1}; }\n`);
    writeFileSync(join(dir, 'modules', 'broken.nix'), '{ nix.linux-builder.config.sshOptions = [ ]; }\n');
    ({ client } = await LspClient.start({ workspaceFolders: [dir], workDoneProgress: true }));
    const c = client;
    await waitFor('broken.nix findings', () => latest(c, uriOf('modules/broken.nix')), 20_000);
    const kinds = await waitFor('progress to end', () => {
      const list = c.notifications
        .filter((n) => n.method === '$/progress')
        .map((n) => (n.params as { value: { kind: string } }).value.kind);
      return list.includes('end') ? list : undefined;
    });
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds.at(-1), 'end');
  });
});
