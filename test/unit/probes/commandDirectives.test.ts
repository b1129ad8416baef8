import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  describeDirective,
  findCommandDirectives,
  nixConfDirectivesIn,
  sshDirectivesIn,
  sshOptsDirectives,
} from '../../../src/probes/commandDirectives.js';
import { rootPaths } from '../../../src/probes/rootPaths.js';

describe('directives that make ssh or nix run commands (issue 10 item 3)', function () {
  it('finds each ssh directive in every spelling: case, Key=value, Key = value, quoted keyword, indented', function () {
    const text = [
      'Host b', // 1
      '  ProxyCommand nc %h %p', // 2
      '  proxycommand=/x/p', // 3
      '  PROXYCOMMAND = /x/p', // 4
      '  "LocalCommand" echo hi', // 5
      '\tKnownHostsCommand /x/k %H', // 6
      'Match host b exec "test -e /x"', // 7
      'match !Exec /x/y', // 8
      'Match exec=/x/z', // 9
      '  PKCS11Provider /x/lib.so', // 10
      '  SecurityKeyProvider /x/sk.so', // 11
    ].join('\n');
    assert.deepEqual(sshDirectivesIn(text), [
      { keyword: 'ProxyCommand', line: 2 },
      { keyword: 'ProxyCommand', line: 3 },
      { keyword: 'ProxyCommand', line: 4 },
      { keyword: 'LocalCommand', line: 5 },
      { keyword: 'KnownHostsCommand', line: 6 },
      { keyword: 'Match exec', line: 7 },
      { keyword: 'Match exec', line: 8 },
      { keyword: 'Match exec', line: 9 },
      { keyword: 'PKCS11Provider', line: 10 },
      { keyword: 'SecurityKeyProvider', line: 11 },
    ]);
  });

  it('ignores what runs nothing: comments, `none`, Match without exec, a keyword that only contains the word', function () {
    const text = [
      '# ProxyCommand nc %h %p',
      'ProxyCommand none',
      'KnownHostsCommand=none',
      'Match host exec.example.com',
      'Match user exec',
      'SecurityKeyProvider internal',
      'ProxyJump jump',
      'RemoteCommand echo runs on the builder',
      'SendEnv LANG',
      'Host execute',
    ].join('\n');
    // `Match user exec` names a user called exec (ssh_config(5): each criterion takes an argument).
    assert.deepEqual(sshDirectivesIn(text), []);
    assert.deepEqual(
      sshDirectivesIn('Match canonical all exec /x\nMatch user=exec exec /y\nMatch user exec host exec'),
      [
        { keyword: 'Match exec', line: 1 },
        { keyword: 'Match exec', line: 2 },
      ],
    );
  });

  it('NIX_SSHOPTS as Nix splits it: -oKey=value, -o Key=value, -I, and the directives of a -F file', function () {
    const dir = mkdtempSync(join(tmpdir(), 'lbd-directives-'));
    try {
      const paths = rootPaths(dir, {});
      writeFileSync(join(dir, 'extra_config'), 'Host *\n  LocalCommand /x/l\n');
      const found = sshOptsDirectives(
        [
          '-oProxyCommand=/x/p',
          '-o',
          'KnownHostsCommand=/x/k',
          '-oBatchMode=yes',
          '-I',
          '/x/lib.so',
          '-F',
          join(dir, 'extra_config'),
        ],
        '/plist',
        paths,
      );
      assert.deepEqual(found.map(describeDirective), [
        'ProxyCommand in NIX_SSHOPTS of /plist',
        'KnownHostsCommand in NIX_SSHOPTS of /plist',
        '-I (PKCS11Provider) in NIX_SSHOPTS of /plist',
        `LocalCommand at ${join(dir, 'extra_config')}:2`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('nix.conf hooks and plugins, extra- forms included', function () {
    const text =
      'build-hook = /x/h\nextra-plugin-files = /x/p.so\npost-build-hook=/x/u # upload\n# pre-build-hook = /x\ndiff-hook =\nbuilders = @/etc/nix/machines\n';
    assert.deepEqual(
      nixConfDirectivesIn(text).map((d) => `${d.keyword}:${d.line}`),
      ['build-hook:1', 'extra-plugin-files:2', 'post-build-hook:3'],
    );
  });

  it('a staged root: directives in files reached through Include (relative, ~, globs) and nix.conf includes, with file:line', function () {
    const root = mkdtempSync(join(tmpdir(), 'lbd-directives-'));
    try {
      for (const d of ['etc/ssh/ssh_config.d', 'var/root/.ssh/conf.d', 'etc/nix', 'Library/LaunchDaemons'])
        mkdirSync(join(root, d), { recursive: true });
      writeFileSync(join(root, 'etc/ssh/ssh_config'), 'Include ssh_config.d/*.conf\n');
      writeFileSync(join(root, 'etc/ssh/ssh_config.d/100-b.conf'), 'Host b\n  Port 22\nMatch exec "/x/m"\n');
      writeFileSync(join(root, 'etc/ssh/ssh_config.d/200-unincluded.txt'), 'ProxyCommand /x/not-read\n');
      writeFileSync(join(root, 'var/root/.ssh/config'), 'Host b\n  Include ~/.ssh/conf.d/*\n');
      writeFileSync(join(root, 'var/root/.ssh/conf.d/p'), '\n\n  ProxyCommand=/x/p\n');
      writeFileSync(join(root, 'etc/nix/nix.conf'), '!include extra.conf\n');
      writeFileSync(join(root, 'etc/nix/extra.conf'), 'post-build-hook = /x/u\n');
      const paths = rootPaths(root, {});
      const found = findCommandDirectives(paths, ['-oLocalCommand=/x/l']);
      assert.deepEqual(found.ssh.map(describeDirective), [
        `ProxyCommand at ${join(root, 'var/root/.ssh/conf.d/p')}:3`,
        `Match exec at ${join(root, 'etc/ssh/ssh_config.d/100-b.conf')}:3`,
        `LocalCommand in NIX_SSHOPTS of ${join(root, 'Library/LaunchDaemons/org.nixos.nix-daemon.plist')}`,
      ]);
      assert.deepEqual(found.nix.map(describeDirective), [
        `post-build-hook at ${join(root, 'etc/nix/extra.conf')}:1`,
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
