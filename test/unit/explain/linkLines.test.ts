/** The editors' terminal-link prefilter (EXPLAIN_LINK_LINE) only marks lines the engine then explains. */
import assert from 'node:assert/strict';
import { EXPLAIN_LINK_LINE } from '../../../src/protocol/lsp.js';
import { explainText } from '../../../src/probes/explain/engine.js';

const LINKED = [
  "cannot build on 'ssh-ng://builder@linux-builder': error: failed to start SSH connection to 'builder@linux-builder'",
  'Host key verification failed.',
  "error: a 'aarch64-linux' with features {} is required to build '/nix/store/abc-append-initrd-secrets.drv', but I am a 'aarch64-darwin' with features {nixos-test}",
  "error: The option `nix.linux-builder.sshOptions' does not exist. Definition values:",
  'ssh: Could not resolve hostname linux-builder: nodename nor servname provided, or not known',
  'builder@localhost: Permission denied (publickey).',
  'ssh: connect to host localhost port 31022: Connection refused',
  'error: Unexpected files in /etc, aborting activation',
  'error: Determinate detected, aborting activation',
  '- `nix.linux-builder.enable` requires `nix.enable`',
  'Failed to find a machine for remote build!',
  'kex_exchange_identification: Connection closed by remote host',
];

describe('terminal link lines', function () {
  for (const line of LINKED) {
    it(`links and explains: ${line.slice(0, 60)}`, function () {
      assert.match(line, EXPLAIN_LINK_LINE);
      assert.ok(explainText(line).problems.length > 0, 'the engine names a problem for a linked line');
    });
  }

  it('does not link ordinary output', function () {
    for (const line of [
      "building '/nix/store/abc-hello.drv'...",
      '$ ls -la',
      "copying path '/nix/store/abc' from 'https://cache.nixos.org'...",
    ]) {
      assert.doesNotMatch(line, EXPLAIN_LINK_LINE);
    }
  });
});
