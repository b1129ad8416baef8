/**
 * `explain --config` and Open Definition: with the same mistake in two hosts' files, the file the
 * error text names ("- In `/nix/store/<hash>-source/<path>'") comes first, whatever order the check found them in.
 */
import assert from 'node:assert/strict';
import type { Finding } from '../../../src/protocol/findings.js';
import { definitionsFor, filesNamedIn } from '../../../src/workspace/explainDefinitions.js';

function sshOptionsAt(file: string): Finding {
  return {
    file,
    range: { start: { line: 1, character: 2 }, end: { line: 1, character: 40 } },
    severity: 'error',
    code: 'ssh-options',
    message: 'sshOptions is not an option',
    fixes: [],
  };
}

const files = [
  '/work/flake/hosts/home/darwin.nix',
  '/work/flake/hosts/work/darwin.nix',
  '/work/flake/modules/builder.nix',
];
const findings = files.map(sshOptionsAt);
const texts = new Map(files.map((f) => [f, '{\n  nix.linux-builder.config.sshOptions = [ ];\n}\n']));
const problem = (evidence: string[]) => ({
  cause: 'option-does-not-exist' as const,
  option: 'nix.linux-builder.config.sshOptions',
  evidence,
});

describe('explain definitions: the file the error names first', () => {
  it('reads the files of "Definition values" lines, in any quote style Nix has used', () => {
    assert.deepEqual(
      filesNamedIn([
        "- In `/nix/store/abc-source/hosts/work/darwin.nix':",
        '- In ‘/Users/me/.config/nix-darwin/configuration.nix’:',
        "error: The option `nix.linux-builder.config.sshOptions' does not exist.",
      ]),
      ['/nix/store/abc-source/hosts/work/darwin.nix', '/Users/me/.config/nix-darwin/configuration.nix'],
    );
  });

  it('puts the named file first, matching the store copy by its path inside the flake', () => {
    const found = definitionsFor(
      problem(["- In `/nix/store/0123456789abcdef-source/hosts/work/darwin.nix':"]),
      findings,
      texts,
    );
    assert.deepEqual(
      found.map((d) => d.file),
      [
        '/work/flake/hosts/work/darwin.nix',
        '/work/flake/hosts/home/darwin.nix',
        '/work/flake/modules/builder.nix',
      ],
    );
  });

  it("keeps the check's order when the text names no file", () => {
    const found = definitionsFor(problem(['error: The option … does not exist.']), findings, texts);
    assert.deepEqual(
      found.map((d) => d.file),
      files,
    );
  });
});
