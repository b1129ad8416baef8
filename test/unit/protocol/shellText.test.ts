/**
 * The one quoting rule (src/protocol/shellText.ts) and the text the editor types or copies
 * (src/extension/health/format.ts): every corpus value round-trips through a real sh as one
 * argument; a control character never reaches shell text, a terminal or the clipboard.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyableCommand, terminalText } from '../../../src/extension/health/format.js';
import type { ProbeResult } from '../../../src/protocol/probes.js';
import {
  ControlCharacterError,
  displayCommand,
  hasControlCharacter,
  printable,
  shellCommand,
  shellCommandOrUndefined,
  shellQuote,
} from '../../../src/protocol/shellText.js';
import { fixturesDir } from '../../util/paths.js';

const corpus = JSON.parse(readFileSync(join(fixturesDir, 'hostile', 'corpus.json'), 'utf8')) as {
  shellValues: string[];
  controlValues: string[];
};

/** What sh makes of a command line: its words, NUL-separated by printf; it must create nothing. */
function shWords(line: string): string[] {
  const cwd = mkdtempSync(join(tmpdir(), 'lbd-quote-'));
  try {
    const r = spawnSync('/bin/sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8', cwd });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(cwd), [], `${line} created files`);
    return r.stdout.split('\0').slice(0, -1);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

describe('shell text: one quoting rule for fix commands and copied commands', function () {
  it('leaves plain words bare and quotes everything else as one word', function () {
    assert.equal(shellCommand(['ssh', '-G', '--', 'linux-builder']), 'ssh -G -- linux-builder');
    assert.equal(
      shellCommand(['sudo', 'chmod', '600', '/etc/nix/builder_ed25519']),
      'sudo chmod 600 /etc/nix/builder_ed25519',
    );
    assert.equal(shellQuote("it's a b"), "'it'\\''s a b'");
    assert.equal(shellQuote(''), "''");
    assert.equal(shellQuote('=touch'), "'=touch'", "zsh expands a bare leading '='");
    assert.equal(shellQuote('~root'), "'~root'");
  });

  it('every hostile shell value comes back from sh as exactly one argument (and nothing runs)', function () {
    for (const value of corpus.shellValues) {
      assert.deepEqual(shWords(shellQuote(value)), [value], JSON.stringify(value));
    }
    assert.deepEqual(shWords(shellCommand(corpus.shellValues)), corpus.shellValues);
  });

  it('refuses every control value: no shell text is made from it', function () {
    for (const value of corpus.controlValues) {
      assert.ok(hasControlCharacter(value), JSON.stringify(value));
      assert.throws(() => shellQuote(value), ControlCharacterError);
      assert.equal(shellCommandOrUndefined(['ls', value]), undefined);
      // Shown for reading: escapes, no control character left.
      assert.ok(!hasControlCharacter(printable(value)), JSON.stringify(printable(value)));
      assert.ok(!hasControlCharacter(displayCommand(['ls', value])));
    }
    assert.equal(printable('a\nb\x1b[2K\u202e\x9b\ud800'), 'a\\nb\\e[2K\\u{202e}\\x9b\\u{d800}');
  });

  describe('what the editor types into a terminal ("Fix…") or copies ("Copy Command")', function () {
    const result = (argv: string[] | undefined, commands: string[] | undefined): ProbeResult => ({
      id: 'builder-key',
      title: 'Builder SSH key',
      status: 'fail',
      summary: 's',
      durationMs: 1,
      evidence: argv ? [{ argv }] : [],
      ...(commands ? { fix: { summary: 'f', commands } } : {}),
    });

    it('types the fix commands joined with && and no newline of its own', function () {
      assert.equal(
        terminalText(['sudo chmod 600 -- /k', 'ls -l -- /k']),
        'sudo chmod 600 -- /k && ls -l -- /k',
      );
    });

    it('types nothing when a command holds a newline or another control character', function () {
      for (const value of corpus.controlValues) {
        assert.equal(
          terminalText(['sudo launchctl kickstart -k system/org.nixos.linux-builder', `ls -l -- ${value}`]),
          undefined,
          JSON.stringify(value),
        );
      }
      assert.equal(terminalText([]), undefined);
    });

    it('copies a ran command quoted, and nothing when it or a fix command holds a control character', function () {
      assert.equal(
        copyableCommand(result(['ssh', '-G', '--', 'h$(touch PWNED)'], undefined)),
        "ssh -G -- 'h$(touch PWNED)'",
      );
      assert.equal(copyableCommand(result(['ssh', '-G', '--', 'h\ntouch PWNED'], ['sudo true'])), undefined);
      assert.equal(copyableCommand(result(undefined, ['sudo true', 'ls\n-l'])), undefined);
      assert.equal(copyableCommand(result(undefined, ['sudo true', 'ls -l'])), 'sudo true\nls -l');
    });
  });
});
