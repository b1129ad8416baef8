import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { shellCommand } from '../../../src/protocol/shellText.js';
import type { ProbeReport } from '../../../src/protocol/probes.js';
import {
  describeSshSetting,
  redactArgv,
  redactHomes,
  redactReport,
  redactStderr,
  redactText,
} from '../../../src/probes/redact.js';

describe('redaction by allow-list (issue 10 item 2)', function () {
  it('home folders: whole path components only', function () {
    assert.equal(
      redactHomes('/root/.ssh/config and /x/roots/y and /rootfs/a', '/root'),
      '~/.ssh/config and /x/roots/y and /rootfs/a',
    );
    assert.equal(
      redactHomes('-oUserKnownHostsFile=/Users/me/k "/Users/me"', '/Users/me'),
      '-oUserKnownHostsFile=~/k "~"',
    );
    assert.equal(redactHomes('/Users/meg/x /Users/me2', '/Users/me'), '/Users/[user]/x /Users/[user]');
    assert.equal(
      redactHomes('/home/alice/.ssh/id /Users/Shared/x ~bob/.ssh', '/root'),
      '/home/[user]/.ssh/id /Users/Shared/x ~[user]/.ssh',
    );
    assert.equal(
      redactHomes('/var/root/.ssh/config', '/root'),
      '/var/root/.ssh/config',
      "root's macOS home is a system path",
    );
  });

  it('argv: known options keep harmless values; commands, environment and what follows them are hidden', function () {
    const argv = [
      'ssh',
      '-F',
      '/tmp/x/ssh_config',
      'builder@linux-builder',
      '-x',
      '-oProxyCommand=nc',
      'proxy.corp',
      '22',
      '-o',
      'SetEnv=A=B',
      '-oSendEnv=SECRET',
      '-oFrobnicate=1',
      '-i',
      '/etc/nix/builder_ed25519',
      '-oUserKnownHostsFile=/tmp/k',
      '-p',
      '31022',
      '-oBatchMode=yes',
      '--',
      'true',
    ];
    assert.deepEqual(redactArgv(argv, '/root'), [
      'ssh',
      '-F',
      '/tmp/x/ssh_config',
      'builder@linux-builder',
      '-x',
      '-oProxyCommand=[hidden]',
      '[hidden]',
      '[hidden]',
      '-o',
      'SetEnv=[hidden]',
      '-oSendEnv=[hidden]',
      '-o[hidden]',
      '-i',
      '/etc/nix/builder_ed25519',
      '-oUserKnownHostsFile=/tmp/k',
      '-p',
      '31022',
      '-oBatchMode=yes',
      '--',
      'true',
    ]);
    assert.deepEqual(redactArgv(['ssh', 'u:pw@h', 'a b', '--token=x'], '/root'), [
      'ssh',
      'u:[hidden]@h',
      '[hidden]',
      '[hidden]',
    ]);
  });

  it('stderr: known ssh/Nix lines stay, with config lines they quote hidden; anything else is hidden', function () {
    const stderr = [
      'ssh: connect to host 127.0.0.1 port 9: Connection refused',
      "error: illegal configuration line 'access-tokens github.com=tok' in '/etc/nix/nix.conf'",
      '/bin/sh: 1: /opt/proxy --token=abc: not found',
      'some tool printed TOKEN=abc',
    ].join('\n');
    assert.equal(
      redactStderr(stderr, '/root'),
      [
        'ssh: connect to host 127.0.0.1 port 9: Connection refused',
        "error: illegal configuration line '[hidden]' in '/etc/nix/nix.conf'",
        '[2 lines hidden: not a message the doctor knows to be safe to share]',
      ].join('\n'),
    );
  });

  it('text: private keys, base64 runs, URI passwords and quoted machines rows are removed; paths and store hashes stay', function () {
    assert.equal(
      redactText('ssh-ng://u:pw@h and u:pw2@h2 and user u:pw3, next', '/root'),
      'ssh-ng://u:[hidden]@h and u:[hidden]@h2 and user u:[hidden], next',
    );
    assert.equal(redactText("in a row: 'ssh://a@b x - y'", '/root'), "in a row: '[hidden]'");
    assert.equal(
      redactText('key b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW end', '/root'),
      'key [base64 hidden] end',
    );
    assert.equal(
      redactText('-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----', '/root'),
      '[private key removed]',
    );
    const paths =
      '/nix/store/0c7jg4n3s9w3gnbbb8q4ri5f9nbh1l2p-nix-2.8.0 /tmp/lbd-secrets-AbC123/mac/var/root/Library/LaunchDaemons/org.plist';
    assert.equal(redactText(paths, '/root'), paths);
  });

  it('ssh settings are named with their value only when the value is harmless', function () {
    assert.equal(describeSshSetting('hostname', 'localhost'), 'hostname localhost');
    assert.equal(
      describeSshSetting('identityfile', '/etc/nix/builder_ed25519'),
      'identityfile /etc/nix/builder_ed25519',
    );
    assert.equal(describeSshSetting('proxycommand', 'nc %h %p'), 'proxycommand (set, value not shown)');
    assert.equal(describeSshSetting('setenv', 'A=B'), 'setenv (set, value not shown)');
  });

  it('fix commands under the home keep pasting: the home goes in front of the quotes, and sh expands it back', function () {
    const home = '/Users/me';
    const argvs = [
      ['chmod', '600', '/Users/me/.ssh/my key'],
      ['ssh', "-oUserKnownHostsFile=/Users/me/it's known", 'builder@linux-builder'],
      ['ls', '/Users/me'],
      ['ls', '/Users/me/plain', '/Users/meg/x'],
    ];
    const report: ProbeReport = {
      platform: 'darwin',
      nixVersion: null,
      results: [],
      verdict: { cause: 'ok', summary: 's', fix: { summary: 'f', commands: argvs.map(shellCommand) } },
    };
    const commands = redactReport(report, home).verdict.fix?.commands ?? [];
    assert.deepEqual(commands, [
      "chmod 600 ~/'.ssh/my key'",
      `ssh -oUserKnownHostsFile="$HOME"/'it'\\''s known' builder@linux-builder`,
      'ls ~',
      'ls ~/plain /Users/[user]/x',
    ]);
    // What the user pastes runs with their own home: sh turns each back into the argv (another
    // user's home stays hidden, so that one is not compared).
    for (const [i, command] of commands.slice(0, 3).entries()) {
      const words = execFileSync('sh', ['-c', `printf '%s\\n' ${command}`], {
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home },
        encoding: 'utf8',
      });
      assert.deepEqual(words.split('\n').slice(0, -1), argvs[i], command);
    }
  });
});
