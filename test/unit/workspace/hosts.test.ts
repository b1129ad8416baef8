/**
 * Per-host grouping: a flake with several Macs judges each module once per host that uses it, and
 * a file no host reaches on its own (with what it imports).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFiles } from '../../../src/workspace/checkFiles.js';
import { nodeFs } from '../../../src/workspace/fileSystem.js';
import { nixFilesUnder } from '../../../src/workspace/nixFiles.js';
import { fixturesDir } from '../../util/paths.js';

/** `line code message-suffix` per finding of each file (relative to `dir`), errors and warnings only. */
function findingsUnder(dir: string): Record<string, string[]> {
  const { checked } = checkFiles(nixFilesUnder(dir, nodeFs).files, nodeFs);
  const out: Record<string, string[]> = {};
  for (const { file, findings } of checked) {
    const shown = findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
    if (shown.length > 0)
      out[file.slice(dir.length + 1)] = shown.map(
        (f) => `${f.range.start.line + 1} ${f.code}${/ \(hosts?: [^)]*\)$/.exec(f.message)?.[0] ?? ''}`,
      );
  }
  return out;
}

describe('workspace: modules grouped per host', () => {
  const multiHost = join(fixturesDir, 'multiHost');

  it('judges a shared module once per host, naming the host when they disagree', () => {
    assert.deepEqual(findingsUnder(multiHost), {
      // nix.enable = false only on the work Mac; the home Mac emulates x86_64 (hosts/home imports it).
      'modules/builder.nix': [
        '2 requires-nix-enable (host: work-mac)',
        '3 x86-needs-emulation (host: work-mac)',
      ],
      'hosts/work.nix': ['2 requires-nix-enable'],
    });
  });

  describe('in a scratch flake', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'lbd-hosts-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('keeps the inline modules of two hosts in one flake.nix apart', () => {
      writeFileSync(
        join(dir, 'flake.nix'),
        `{
  outputs = { nix-darwin, ... }: {
    darwinConfigurations = {
      work = nix-darwin.lib.darwinSystem { modules = [ { nix.enable = false; } ]; };
      home = darwin.lib.darwinSystem { modules = [ { nix.linux-builder.enable = true; } ]; };
      both = nix-darwin.lib.darwinSystem { modules = [ { nix.enable = false; } { nix.linux-builder.enable = true; } ]; };
    };
  };
}
`,
      );
      assert.deepEqual(findingsUnder(dir), { 'flake.nix': ['6 requires-nix-enable (host: both)'] });
    });

    it('follows imports transitively, with a loop guard, and judges an unreached file with what it imports', () => {
      mkdirSync(join(dir, 'm'));
      writeFileSync(
        join(dir, 'flake.nix'),
        '{ outputs = { nix-darwin, ... }: { darwinConfigurations.mac = nix-darwin.lib.darwinSystem { modules = [ ./m/a.nix ]; }; }; }\n',
      );
      writeFileSync(
        join(dir, 'm', 'a.nix'),
        '{\n  imports = [ ./b.nix ];\n  nix.linux-builder.enable = true;\n}\n',
      );
      writeFileSync(join(dir, 'm', 'b.nix'), '{\n  imports = [ ./a.nix (import ./c.nix) ];\n}\n');
      writeFileSync(join(dir, 'm', 'c.nix'), '{\n  nix.enable = false;\n}\n');
      // Reached by no host: judged with what it imports (c.nix), not with the host's a.nix.
      writeFileSync(
        join(dir, 'm', 'lonely.nix'),
        '{\n  imports = [ ./c.nix ];\n  nix.linux-builder.enable = true;\n}\n',
      );
      writeFileSync(join(dir, 'm', 'other.nix'), '{\n  nix.linux-builder.enable = true;\n}\n');
      assert.deepEqual(findingsUnder(dir), {
        'm/a.nix': ['3 requires-nix-enable'],
        'm/c.nix': ['2 requires-nix-enable'],
        'm/lonely.nix': ['3 requires-nix-enable'],
      });
    });

    it('judges all files together when no host can be seen (systems built by a helper)', () => {
      writeFileSync(join(dir, 'flake.nix'), '{ outputs = inputs: import ./lib/mkHosts.nix inputs; }\n');
      writeFileSync(join(dir, 'a.nix'), '{\n  nix.enable = false;\n}\n');
      writeFileSync(join(dir, 'b.nix'), '{\n  nix.linux-builder.enable = true;\n}\n');
      assert.deepEqual(findingsUnder(dir), {
        'a.nix': ['2 requires-nix-enable'],
        'b.nix': ['2 requires-nix-enable'],
      });
    });
  });
});
