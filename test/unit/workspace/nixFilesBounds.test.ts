import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeFs } from '../../../src/workspace/fileSystem.js';
import { nixFilesUnder } from '../../../src/workspace/nixFiles.js';

describe('listing the .nix files of a folder, bounded', function () {
  it('stops after the file limit, and after the folder limit in a tree of many folders and few files', function () {
    const dir = mkdtempSync(join(tmpdir(), 'lbd-bounds-'));
    try {
      for (let i = 0; i < 30; i++) {
        mkdirSync(join(dir, `d${String(i).padStart(2, '0')}`));
        writeFileSync(join(dir, `d${String(i).padStart(2, '0')}`, 'm.nix'), '{ }\n');
      }
      assert.equal(nixFilesUnder(dir, nodeFs).files.length, 30);
      assert.equal(nixFilesUnder(dir, nodeFs, 5).files.length, 5);
      // Ten folders listed (the top one and d00..d08); the walk stops as the tenth opens, before its
      // file: 8 files, and the other 21 folders are never listed.
      assert.equal(nixFilesUnder(dir, nodeFs, Number.POSITIVE_INFINITY, 10).files.length, 8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
