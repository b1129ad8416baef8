/**
 * The verdict `linux-builder-doctor probe` prints is redacted by default (it gets pasted into
 * issues). A fix command with a hidden part does not run as printed, so the text must say where
 * the whole command is; a command redaction left whole gets no such line.
 */
import assert from 'node:assert/strict';
import { renderVerdictText } from '../../../src/cli/commands/probe.js';
import { redactReport } from '../../../src/probes/redact.js';
import type { ProbeReport } from '../../../src/protocol/probes.js';
import { probeResult } from '../../util/probeResult.js';

const NOTE = /part of this command is hidden.*--no-redact/;

/** A needs-admin verdict whose command is `argv` (shell-quoted where a shell needs it), as adminOutcome makes one. */
function needsAdmin(argv: string[], command: string): ProbeReport {
  const evidence = [{ argv, exitCode: 1, stderr: 'sudo: a password is required' }];
  return {
    platform: 'macOS 15.1 (arm64)',
    nixVersion: '2.24.10',
    results: [probeResult('remote-nix', 'needs-admin', { evidence })],
    verdict: {
      cause: 'needs-admin',
      summary: `Nix on the builder needs root; run: ${command}`,
      evidence,
      fix: {
        summary: `Run this in a terminal, which asks for your password: ${command}`,
        commands: [command],
      },
      probe: 'remote-nix',
    },
  };
}

describe('probe text output: fix commands redaction changed', function () {
  // The store URI remote-nix passes carries the machines entry's key as a store parameter.
  const uri = 'ssh-ng://builder@linux-builder?ssh-key=%2Fetc%2Fnix%2Fbuilder_ed25519';
  const argv = ['sudo', '-n', 'nix', 'store', 'info', '--store', uri];
  const command = `sudo nix store info --store '${uri}'`;

  it('says how to see the whole command when redaction hid part of it', function () {
    const text = renderVerdictText(redactReport(needsAdmin(argv, command), '/Users/alice'));
    assert.match(text, /^ {2}sudo nix store info --store '?\[hidden\]'?$/m, text);
    assert.match(text, NOTE, text);
  });

  it('prints the command without that line when nothing was hidden', function () {
    assert.doesNotMatch(renderVerdictText(needsAdmin(argv, command)), NOTE);
    const plain = ['sudo', 'ls', '-l', '--', '/etc/nix/builder_ed25519'];
    const text = renderVerdictText(redactReport(needsAdmin(plain, plain.join(' ')), '/Users/alice'));
    assert.match(text, /^ {2}sudo ls -l -- \/etc\/nix\/builder_ed25519$/m, text);
    assert.doesNotMatch(text, NOTE);
  });
});
