import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import type { ProbeReport } from '../../../src/protocol/probes.js';
import {
  keyscanTypes,
  keysFor,
  knownHostsNameMatches,
  lookupName,
} from '../../../src/probes/checks/hostKey.js';
import { parseSshG } from '../../../src/probes/checks/sshEffectiveConfig.js';
import { buildersFromConf, machinesFilesOf } from '../../../src/probes/checks/buildersSetting.js';
import { nixVersionAtLeast, parseNixVersion } from '../../../src/probes/checks/nixInstall.js';
import { storeUriFor, trustReported } from '../../../src/probes/checks/remoteNix.js';
import { parseMachines } from '../../../src/probes/machinesFile.js';
import { redact, renderMarkdownReport } from '../../../src/probes/markdownReport.js';
import { TEST_DERIVATION_FUNCTION, testBuildArgv } from '../../../src/probes/testBuild.js';
import { fixFor } from '../../../src/probes/fixes.js';
import { CAUSE_IDS } from '../../../src/protocol/probes.js';
import { findExecutable, requireTools } from '../../util/prerequisites.js';

describe('probe helpers', function () {
  it('ssh looks host keys up as HostKeyAlias, else [host]:port, else host', function () {
    const base = {
      user: 'builder',
      hostname: 'localhost',
      identityfiles: [],
      userknownhostsfiles: [],
      globalknownhostsfiles: [],
    };
    assert.equal(lookupName({ ...base, port: 31022, hostkeyalias: 'linux-builder' }), 'linux-builder');
    assert.equal(lookupName({ ...base, port: 31022 }), '[localhost]:31022');
    assert.equal(lookupName({ ...base, port: 22 }), 'localhost');
  });

  it('matches plain and hashed known_hosts names', function () {
    const salt = randomBytes(20);
    const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('linux-builder').digest('base64')}`;
    assert.ok(knownHostsNameMatches(hashed, 'linux-builder'));
    assert.equal(knownHostsNameMatches(hashed, 'other'), false);
    assert.ok(knownHostsNameMatches('a,[localhost]:31022', '[localhost]:31022'));
    assert.deepEqual(
      keysFor(
        '# c\nlinux-builder ssh-ed25519 AAAAkey1 root@nixos\nother ssh-ed25519 AAAAkey2\n',
        'linux-builder',
      ),
      ['ssh-ed25519 AAAAkey1'],
    );
  });

  it('asks ssh-keyscan only for the key types ssh would accept, in names ssh-keyscan knows', function () {
    assert.equal(keyscanTypes(['ssh-ed25519 AAAA1']), 'ed25519');
    assert.equal(
      keyscanTypes(['ssh-ed25519 AAAA1', 'ssh-ed25519 AAAA2', 'ecdsa-sha2-nistp256 AAAA3']),
      'ed25519,ecdsa',
    );
    assert.equal(
      keyscanTypes([
        'ssh-rsa A',
        'ssh-dss B',
        'sk-ssh-ed25519@openssh.com C',
        'sk-ecdsa-sha2-nistp256@openssh.com D',
      ]),
      'rsa,dsa,ed25519-sk,ecdsa-sk',
    );
    // Nothing expected, or a type without a name: every type.
    assert.equal(keyscanTypes([]), undefined);
    assert.equal(keyscanTypes(['ssh-ed25519 A', 'ssh-mldsa B']), undefined);
    // The real ssh-keyscan takes every name we give it (it exits 255 with "Unknown key type" otherwise).
    requireTools(this, ['ssh-keyscan']);
    const all = keyscanTypes([
      'ssh-ed25519 A',
      'ecdsa-sha2-nistp521 B',
      'ssh-rsa C',
      'ssh-dss D',
      'sk-ssh-ed25519@openssh.com E',
      'sk-ecdsa-sha2-nistp256@openssh.com F',
    ]);
    assert.ok(all !== undefined);
    const ran = spawnSync('ssh-keyscan', ['-t', all, '-T', '1', '-p', '1', '127.0.0.1'], {
      encoding: 'utf8',
    });
    assert.doesNotMatch(ran.stderr, /unknown key type/i);
    assert.notEqual(ran.status, 255, ran.stderr);
  });

  it('reads ssh -G output', function () {
    const eff = parseSshG(
      'user builder\nhostname localhost\nport 31022\nhostkeyalias linux-builder\nidentityfile /etc/nix/builder_ed25519\nidentityfile ~/.ssh/id_rsa\nuserknownhostsfile /tmp/k /tmp/k2\nproxycommand none\n',
    );
    assert.equal(eff.port, 31022);
    assert.equal(eff.hostkeyalias, 'linux-builder');
    assert.deepEqual(eff.identityfiles, ['/etc/nix/builder_ed25519', '~/.ssh/id_rsa']);
    assert.deepEqual(eff.userknownhostsfiles, ['/tmp/k', '/tmp/k2']);
    assert.equal(eff.proxy, undefined);
  });

  it("reads builders from nix.conf, with Nix's default @<conf dir>/machines", function () {
    assert.equal(buildersFromConf('sandbox = false\n', '/etc/nix'), '@/etc/nix/machines');
    assert.equal(buildersFromConf('builders = @/etc/nix/machines\nbuilders =\n', '/etc/nix'), '');
    assert.deepEqual(machinesFilesOf('@/etc/nix/machines ; ssh://a x86_64-linux'), ['/etc/nix/machines']);
  });

  it('compares Nix versions', function () {
    assert.ok(nixVersionAtLeast('2.31.0', 2, 31));
    assert.ok(nixVersionAtLeast('3.0', 2, 31));
    assert.equal(nixVersionAtLeast('2.8.0', 2, 19), false);
    assert.equal(nixVersionAtLeast(undefined, 2, 19), false);
    assert.equal(parseNixVersion('nix (Nix) 2.8.0\n'), '2.8.0');
    assert.equal(parseNixVersion('nix (Determinate Nix 3.6.2) 2.29.0'), '2.29.0');
    assert.equal(parseNixVersion('nix (Lix, like Nix) 2.91.1'), '2.91.1');
  });

  it("passes the machines entry's key and host key to Nix's store as URI parameters", function () {
    const entry = parseMachines(
      `ssh-ng://builder@linux-builder x86_64-linux /etc/nix/builder_ed25519 1 1 - - ${Buffer.from('ssh-ed25519 AAAAC3 x').toString('base64')}`,
    ).entries[0];
    assert.ok(entry);
    const uri = storeUriFor({
      uri: entry.uri,
      scheme: entry.scheme,
      host: entry.host,
      systems: [],
      source: 't',
      entry,
      sshKey: '/etc/nix/builder_ed25519',
    });
    assert.match(
      uri,
      /^ssh-ng:\/\/builder@linux-builder\?ssh-key=%2Fetc%2Fnix%2Fbuilder_ed25519&base64-ssh-public-host-key=/,
    );
  });

  it("reads the store's trust from `nix store info` as NixOS/nix, Lix and a fork print it, and nothing from Nix 2.8", function () {
    const info = (trusted: string) =>
      `Store URL: ssh-ng://builder@linux-builder\nVersion: 2.24.9\nTrusted: ${trusted}\n`;
    assert.equal(trustReported(info('1')), true);
    assert.equal(trustReported(info('0')), false);
    assert.equal(trustReported(info('true')), true);
    assert.equal(trustReported(info('false')), false);
    // What Nix 2.8 prints (no trust line), and a line that is not a flag: not known.
    assert.equal(trustReported('Store URL: ssh-ng://builder@linux-builder\n'), undefined);
    assert.equal(trustReported(info('10')), undefined);
    assert.equal(trustReported(`${info('1')}`.replace('Trusted: 1', 'Untrusted: 0')), undefined);
  });

  it('the test derivation is valid Nix, needs no nixpkgs and carries the nonce', function () {
    const expr = TEST_DERIVATION_FUNCTION;
    assert.match(expr, /builder = "\/bin\/sh"/);
    assert.match(expr, /read v < \/proc\/version/);
    assert.doesNotMatch(expr, /nixpkgs|import </);
    if (findExecutable('nix-instantiate') === null) this.skip();
    const argv = testBuildArgv('aarch64-linux', [], 'nonce-123');
    const r = spawnSync(
      'nix-instantiate',
      ['--eval', '--strict', '-E', `((${expr}) { system = "aarch64-linux"; nonce = "nonce-123"; }).drvAttrs`],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /args = \[ "-c" "read v < \/proc\/version; echo \\"\$v\\" > \$out" \]/);
    assert.match(r.stdout, /nonce = "nonce-123"/);
    assert.deepEqual(argv.slice(-6), [
      '--argstr',
      'system',
      'aarch64-linux',
      '--argstr',
      'nonce',
      'nonce-123',
    ]);
  });

  it('gives a fix for every cause but ok/unknown, never one of the wrong fixes (docs/dev/domain.md#wrong-fixes)', function () {
    for (const cause of CAUSE_IDS) {
      for (const nixDarwin of [true, false]) {
        const fix = fixFor(cause, {
          nixDarwin,
          host: 'linux-builder',
          keyPath: '/etc/nix/builder_ed25519',
          port: 31022,
        });
        if (cause === 'ok' || cause === 'unknown') {
          assert.equal(fix, undefined);
          continue;
        }
        assert.ok(fix, `fix for ${cause}`);
        const text = JSON.stringify(fix);
        assert.doesNotMatch(
          text,
          /127\.0\.0\.1 linux-builder|>> \/etc\/hosts|sshOptions =|protocol = "ssh"|chmod 644|chmod a\+r|chown \$USER|nix\.linux-builder\.publicHostKey =/,
          `${cause}: ${text}`,
        );
      }
    }
  });

  it('renders a Markdown report without private material, home shown as ~', function () {
    const report: ProbeReport = {
      platform: 'macOS 14.5 (darwin-arm64)',
      nixVersion: '2.24.9',
      results: [
        {
          id: 'ssh-login',
          title: 'SSH login',
          status: 'fail',
          cause: 'auth-rejected',
          summary: 'rejected | denied',
          durationMs: 12,
          evidence: [
            {
              argv: ['ssh', 'builder@linux-builder', '-i', '/Users/me/key'],
              exitCode: 255,
              stderr:
                'builder@localhost: Permission denied (publickey).\n-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----',
            },
          ],
        },
      ],
      verdict: {
        cause: 'auth-rejected',
        summary: 'rejected',
        fix: { summary: 'restart', commands: ['sudo launchctl kickstart -k system/org.nixos.linux-builder'] },
      },
    };
    const md = redact(renderMarkdownReport(report, { toolVersion: '9.9.9', home: '/Users/me' }), '/Users/me');
    assert.match(md, /linux-builder-doctor 9\.9\.9/);
    assert.match(md, /- Nix: 2\.24\.9/);
    assert.match(md, /\*\*auth-rejected\*\*/);
    assert.match(md, /rejected \\\| denied/, 'table cells are escaped');
    assert.match(md, /sudo launchctl kickstart/);
    assert.doesNotMatch(md, /PRIVATE KEY-----\nabc/);
    assert.match(md, /~\/key/);
  });
});
