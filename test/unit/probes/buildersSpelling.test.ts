/**
 * builders-setting runs both spellings (`nix config show builders`, `nix show-config`) alongside
 * `nix --version` and reads them as the version says: its result and evidence must be what the
 * one-after-the-other order gave, whichever command finishes first. Real Nix (2.8 here: it knows
 * only `show-config`), with its `--version` answer staged by a wrapper that passes everything
 * else to it, as the loopback suite stages Nix releases.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runProbes } from '../../../src/probes/run.js';
import { requireTools } from '../../util/prerequisites.js';

describe('builders-setting: the spelling the Nix version names, whichever finished first', function () {
  let root: string;
  let realNix: string;

  before(function () {
    requireTools(this, ['nix']);
    realNix = spawnSync('sh', ['-c', 'command -v nix'], { encoding: 'utf8' }).stdout.trim();
  });
  beforeEach(function () {
    root = mkdtempSync(join(tmpdir(), 'lbd-spelling-'));
    mkdirSync(join(root, 'etc/nix'), { recursive: true });
    writeFileSync(join(root, 'etc/nix/nix.conf'), `builders = @${root}/etc/nix/machines\n`);
    writeFileSync(
      join(root, 'etc/nix/machines'),
      'ssh-ng://builder@linux-builder aarch64-linux - 1 1 - - -\n',
    );
  });
  afterEach(function () {
    rmSync(root, { recursive: true, force: true });
  });

  /** A `nix` that answers --version with `version` and runs the real one, `slow` spelling 300 ms late. */
  function stageNix(version: string | undefined, slow: 'config' | 'show-config'): NodeJS.ProcessEnv {
    const bin = join(root, `bin-${version ?? 'real'}-${slow}`);
    mkdirSync(bin);
    const versionLine =
      version === undefined ? '' : `if [ "$1" = --version ]; then echo 'nix (Nix) ${version}'; exit 0; fi\n`;
    writeFileSync(
      join(bin, 'nix'),
      `#!/bin/sh\n${versionLine}for a; do [ "$a" = ${slow} ] && sleep 0.3; done\nexec '${realNix}' "$@"\n`,
      { mode: 0o755 },
    );
    return { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
  }

  for (const version of [undefined, '2.24.9']) {
    for (const slow of ['config', 'show-config'] as const) {
      it(`Nix ${version ?? 'as installed'}, \`${slow}\` finishing last: the value and the command that gave it`, async function () {
        this.timeout(20_000);
        const report = await runProbes({ root, env: stageNix(version, slow), only: ['builders-setting'] });
        const result = report.results.find((r) => r.id === 'builders-setting');
        assert.equal(result?.status, 'ok', JSON.stringify(result));
        assert.equal(result?.summary, `builders = @${root}/etc/nix/machines`);
        // Nix 2.8 knows only show-config: that is the command shown, also when 2.24 made us try `config show` first.
        const shown = result?.evidence[0];
        assert.deepEqual(shown?.argv?.slice(-1), ['show-config'], JSON.stringify(result?.evidence));
        assert.equal(shown?.exitCode, 0);
        assert.equal(result?.evidence.length, 1, 'the spelling that failed is not evidence');
      });
    }
  }

  it('a process that saw this nix binary before starts only the spelling its version knows; a binary replaced in place is asked both again', async function () {
    this.timeout(30_000);
    const bin = join(root, 'bin-logged');
    mkdirSync(bin);
    const log = join(root, 'nix-calls');
    const stage = (version: string): void => {
      writeFileSync(
        join(bin, 'nix'),
        `#!/bin/sh\necho "$*" >> '${log}'\nif [ "$1" = --version ]; then echo 'nix (Nix) ${version}'; exit 0; fi\nexec '${realNix}' "$@"\n`,
        { mode: 0o755 },
      );
    };
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
    const spellingsAsked = async (): Promise<string[]> => {
      writeFileSync(log, '');
      const report = await runProbes({ root, env, only: ['builders-setting'] });
      const result = report.results.find((r) => r.id === 'builders-setting');
      assert.equal(result?.summary, `builders = @${root}/etc/nix/machines`);
      assert.deepEqual(result?.evidence[0]?.argv?.slice(-1), ['show-config']);
      return readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => / (show-config|config show builders)$/.test(l))
        .map((l) => (l.endsWith('show-config') ? 'show-config' : 'config show'))
        .sort();
    };
    stage('2.8.0');
    assert.deepEqual(await spellingsAsked(), ['config show', 'show-config'], 'first run: both');
    assert.deepEqual(await spellingsAsked(), ['show-config'], 'known 2.8: the one it knows');
    // Replaced in place (a newer mtime): its version is not known any more.
    stage('2.24.9');
    utimesSync(join(bin, 'nix'), new Date(), new Date(Date.now() + 5000));
    assert.deepEqual(await spellingsAsked(), ['config show', 'show-config']);
    // Known as 2.24.9 (it only says so): `config show` alone first, which the real 2.8 refuses, then show-config.
    assert.deepEqual(await spellingsAsked(), ['config show', 'show-config']);
  });
});
