import assert from 'node:assert/strict';
import { classifyStderr, describeNixWrapper } from '../../../src/probes/stderrClassifier.js';

/** Every text of docs/dev/domain.md#what-ssh-and-nix-print (OpenSSH 9.2, Nix 2.8, no tty) plus the macOS wordings. */
const CASES: [string, string, string][] = [
  ['builder-down', 'VM down', 'ssh: connect to host localhost port 31022: Connection refused'],
  [
    'builder-booting',
    'accept then close',
    'kex_exchange_identification: Connection closed by remote host\r\nConnection closed by 127.0.0.1 port 31022',
  ],
  [
    'builder-booting',
    'accept then reset (Linux)',
    'kex_exchange_identification: read: Connection reset by peer\r\nConnection reset by 127.0.0.1 port 31022',
  ],
  ['builder-booting', 'accept then reset (macOS)', 'Connection reset by ::1 port 31022'],
  [
    'builder-unresponsive',
    'no banner with ConnectTimeout',
    'Connection timed out during banner exchange\r\nConnection to UNKNOWN port 65535 timed out',
  ],
  [
    'builder-unresponsive',
    'connect timeout (macOS)',
    'ssh: connect to host 10.0.0.5 port 22: Operation timed out',
  ],
  [
    'hostname-unresolved',
    'glibc',
    'ssh: Could not resolve hostname linux-builder: Name or service not known',
  ],
  [
    'hostname-unresolved',
    'macOS',
    'ssh: Could not resolve hostname linux-builder: nodename nor servname provided, or not known',
  ],
  [
    'hostname-unresolved',
    'temporary failure',
    'ssh: Could not resolve hostname linux-builder: Temporary failure in name resolution',
  ],
  ['auth-rejected', 'wrong key / unknown user', 'builder@localhost: Permission denied (publickey).'],
  [
    'auth-rejected',
    'several methods',
    'builder@localhost: Permission denied (publickey,keyboard-interactive).',
  ],
  [
    'host-key-mismatch',
    'host key changed (publicHostKey)',
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\nAdd correct host key in /tmp/nix-1234-0/host-key to get rid of this message.\nHost key verification failed.',
  ],
  ['host-key-unknown', 'host key unknown / HostKeyAlias missing', 'Host key verification failed.'],
  [
    'host-key-unknown',
    'batch mode, no key',
    'No ED25519 host key is known for [localhost]:31022 and you have requested strict checking.\r\nHost key verification failed.',
  ],
  [
    'key-permissions',
    'key too open',
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @\n@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\nPermissions 0644 for \'/etc/nix/builder_ed25519\' are too open.\nLoad key "/etc/nix/builder_ed25519": bad permissions\nbuilder@localhost: Permission denied (publickey).',
  ],
  [
    'key-permissions',
    'key unreadable',
    'Load key "/etc/nix/builder_ed25519": Permission denied\nbuilder@localhost: Permission denied (publickey).',
  ],
  [
    'key-missing',
    'key missing',
    'no such identity: /etc/nix/builder_ed25519: No such file or directory\nbuilder@localhost: Permission denied (publickey).',
  ],
  [
    'key-missing',
    'key missing (macOS/config IdentityFile)',
    'Warning: Identity file /etc/nix/builder_ed25519 not accessible: No such file or directory.',
  ],
  ['remote-nix-missing', 'ssh-ng, bash line', 'bash: line 1: nix-daemon: command not found'],
  [
    'remote-nix-missing',
    'ssh-ng, observed with Nix 2.8',
    "bash: nix-daemon: command not found\nerror: cannot open connection to remote store 'ssh-ng://builder@linux-builder': error: unexpected end-of-file",
  ],
  ['remote-nix-missing', 'ssh protocol', 'bash: line 1: nix-store: command not found'],
  ['remote-nix-missing', 'zsh on the builder', 'zsh:1: command not found: nix-daemon'],
  [
    'builder-untrusted',
    'untrusted user',
    'error: you are not privileged to build input-addressed derivations',
  ],
  ['needs-admin', 'sudo -n', 'sudo: a password is required'],
];

describe('stderr classifier (docs/dev/domain.md#what-ssh-and-nix-print catalogue)', function () {
  for (const [cause, name, text] of CASES) {
    it(`names ${cause} for ${name}`, function () {
      const found = classifyStderr(text);
      assert.ok(found, `no match for: ${text}`);
      assert.equal(found.cause, cause);
      assert.ok(text.includes(found.matched), 'quotes the line that matched');
      assert.ok(found.explanation.length > 10);
    });
  }

  it("names the Nix wrapper that hides ssh's text, and leaves the cause to the probes", function () {
    const text =
      "cannot build on 'ssh-ng://builder@linux-builder': error: cannot open connection to remote store 'ssh-ng://builder@linux-builder': error: unexpected end-of-file";
    assert.equal(classifyStderr(text), null);
    assert.match(describeNixWrapper(text) ?? '', /nix-daemon.log/);
    assert.match(
      describeNixWrapper('Failed to find a machine for remote build!') ?? '',
      /no usable remote machine/,
    );
    assert.match(
      describeNixWrapper(
        'error: unable to start any build; remote machines may not have all required system features.',
      ) ?? '',
      /no usable remote machine/,
    );
  });

  it('returns null for text it does not know', function () {
    assert.equal(classifyStderr('all good'), null);
  });
});
