import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFiles } from '../../../src/workspace/checkFiles.js';
import { nodeFs } from '../../../src/workspace/fileSystem.js';

describe('check: a file whose analysis throws', () => {
  it('gets one analysis-failed finding, and the other files are still checked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbd-failed-'));
    try {
      const a = join(dir, 'a.nix');
      writeFileSync(a, '{ nix.linux-builder.sshOptions = [ ]; }\n');
      let reads = 0;
      // Any exception inside the analysis: here the second read of the options throws.
      const options = {
        get disabledRules(): string[] {
          if (++reads === 2) throw new Error('boom');
          return [];
        },
      };
      const b = join(dir, 'b.nix');
      writeFileSync(b, '{ nix.linux-builder.sshOptions = [ ]; }\n');
      const { checked } = checkFiles([a, b], nodeFs, options);
      const codes = checked.map((c) => c.findings.map((f) => f.code));
      assert.deepEqual(codes, [['ssh-options'], ['analysis-failed']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
