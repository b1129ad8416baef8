/** `check --format json` carries `related: [{ file, range, message }]` for findings that depend on another definition. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../../src/protocol/findings.js';
import { distCli } from '../../util/paths.js';

describe('cli: check related information', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbd-related-'));
    writeFileSync(join(dir, 'builder.nix'), '{\n  nix.linux-builder.enable = true;\n}\n');
    writeFileSync(join(dir, 'nix.nix'), '{\n  # Determinate\n  nix.enable = false;\n}\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('points each side of requires-nix-enable at the other file, in JSON and in text', () => {
    const run = spawnSync(process.execPath, [distCli, 'check', '--format', 'json', dir], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    const findings = JSON.parse(run.stdout) as Finding[];
    const byFile = new Map(findings.filter((f) => f.code === 'requires-nix-enable').map((f) => [f.file, f]));
    assert.deepEqual(byFile.get(join(dir, 'builder.nix'))?.related, [
      {
        file: join(dir, 'nix.nix'),
        range: { start: { line: 2, character: 2 }, end: { line: 2, character: 12 } },
        message: 'nix.enable = false here.',
      },
    ]);
    assert.deepEqual(byFile.get(join(dir, 'nix.nix'))?.related?.[0]?.file, join(dir, 'builder.nix'));
    const text = spawnSync(process.execPath, [distCli, 'check', dir], {
      encoding: 'utf8',
      timeout: 30_000,
    }).stdout;
    assert.ok(text.includes(`see ${join(dir, 'nix.nix')}:3:3: nix.enable = false here.`), text);
  });
});
