/**
 * The language server reads a big configuration's files in the background (workspace.ts
 * readInBackground) and judges the open document alone meanwhile; that read must not hold up the
 * open document's own analysis: while `urgent` says one is under way, and for a few turns after
 * (what it published is written in those), no file is read.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeFs, type WorkspaceFs } from '../../../src/workspace/fileSystem.js';
import { Workspace } from '../../../src/workspace/workspace.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('workspace background read', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbd-background-'));
    writeFileSync(join(dir, 'flake.nix'), '{ inputs = { }; outputs = _: { }; }\n');
    for (let i = 0; i < 40; i++) writeFileSync(join(dir, `m${i}.nix`), `{ services.s${i}.enable = true; }\n`);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads no file while an open document is being analysed, then reads them all and says so', async () => {
    const reads: string[] = [];
    const fs: WorkspaceFs = { ...nodeFs, readText: (path) => (reads.push(path), nodeFs.readText(path)) };
    let urgent = true;
    const ready: string[] = [];
    const workspace = new Workspace({
      fs,
      watched: () => true,
      backgroundAbove: 8,
      onReady: (root) => ready.push(root),
      urgent: () => urgent,
    });
    const open = join(dir, 'm0.nix');
    assert.deepEqual(workspace.contextsFor(open), [], 'judged alone until the files are read');
    for (let i = 0; i < 20; i++) await turn();
    assert.deepEqual(reads, [], 'nothing read while the document is analysed');
    assert.equal(workspace.isWarming(workspace.configurationRoot(open)), true);
    urgent = false;
    await turn();
    assert.deepEqual(reads, [], "nor in the turn after: the urgent work's output leaves first");
    for (let i = 0; i < 200 && ready.length === 0; i++) await turn();
    assert.deepEqual(ready, [workspace.configurationRoot(open)]);
    assert.equal(new Set(reads).size, 41, 'every file of the configuration read once');
  });
});
