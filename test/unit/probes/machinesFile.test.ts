import assert from 'node:assert/strict';
import {
  decodePublicHostKey,
  isSshBuilder,
  parseMachines,
  parseStoreUri,
} from '../../../src/probes/machinesFile.js';

const HOST_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJBWcxb/Blaqt1auOtE+F8QUWrUotiC5qBJ+UuEWdVCb root@nixos';
const HOST_KEY_B64 = Buffer.from(HOST_KEY).toString('base64');

describe('machines file parser (NixOS/nix machines.cc format)', function () {
  it('reads every column of the line nix-darwin writes', function () {
    const { entries, errors } = parseMachines(
      `ssh-ng://builder@linux-builder aarch64-linux /etc/nix/builder_ed25519 4 2 kvm,benchmark,big-parallel nixos-test ${HOST_KEY_B64}\n`,
    );
    assert.deepEqual(errors, []);
    assert.equal(entries.length, 1);
    const e = entries[0];
    assert.ok(e);
    assert.equal(e.uri, 'ssh-ng://builder@linux-builder');
    assert.equal(e.scheme, 'ssh-ng');
    assert.equal(e.user, 'builder');
    assert.equal(e.host, 'linux-builder');
    assert.equal(e.port, undefined);
    assert.deepEqual(e.systems, ['aarch64-linux']);
    assert.equal(e.sshKey, '/etc/nix/builder_ed25519');
    assert.equal(e.maxJobs, 4);
    assert.equal(e.speedFactor, 2);
    assert.deepEqual(e.supportedFeatures, ['kvm', 'benchmark', 'big-parallel']);
    assert.deepEqual(e.mandatoryFeatures, ['nixos-test']);
    assert.equal(e.publicHostKeyBase64, HOST_KEY_B64);
    assert.equal(e.publicHostKey, HOST_KEY);
    assert.ok(isSshBuilder(e));
  });

  it('treats `-` and missing columns as defaults', function () {
    const { entries } = parseMachines('ssh://mac-mini - - - - - -\nssh://other x86_64-linux,i686-linux');
    assert.equal(entries.length, 2);
    assert.deepEqual(entries[0]?.systems, []);
    assert.equal(entries[0]?.sshKey, undefined);
    assert.equal(entries[0]?.maxJobs, 1);
    assert.equal(entries[0]?.speedFactor, 1);
    assert.deepEqual(entries[0]?.supportedFeatures, []);
    assert.equal(entries[0]?.publicHostKey, undefined);
    assert.deepEqual(entries[1]?.systems, ['x86_64-linux', 'i686-linux']);
  });

  it('skips comments and blank lines, and splits entries on `;`', function () {
    const { entries } = parseMachines(
      '# builders\n\n  ssh://a x86_64-linux # trailing comment\nssh://b aarch64-linux ; ssh://c aarch64-linux\n#ssh://d',
    );
    assert.deepEqual(
      entries.map((e) => e.host),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(
      entries.map((e) => e.line),
      [3, 4, 4],
    );
  });

  it("reports an invalid character in column 7 with Nix's own error texts (2.25+ and older)", function () {
    const { errors, entries } = parseMachines('ssh://a x86_64-linux - 1 1 - - not*base64!');
    assert.equal(errors.length, 1);
    assert.match(
      errors[0]?.message ?? '',
      /^invalid character in Base64 string: '\*' \(while parsing machine specification at a column #7 in a row: 'ssh:\/\/a x86_64-linux - 1 1 - - not\*base64!'; Nix 2\.24 and older: "is not valid base64 string"\)$/,
    );
    assert.match(entries[0]?.publicHostKeyProblem ?? '', /not valid base64/);
  });

  it('tolerates missing padding, odd lengths and extra columns, as Nix does', function () {
    const { errors } = parseMachines('ssh://a x86_64-linux - 1 1 - - c3NoLWVkMjU1MTk extra columns here');
    assert.deepEqual(errors, []);
  });

  it('flags base64 of the bare AAAA… blob: it decodes to garbage, not a key line', function () {
    const blob = HOST_KEY.split(' ')[1] ?? '';
    const decoded = decodePublicHostKey(Buffer.from(blob).toString('base64'));
    assert.equal(decoded.key, undefined);
    assert.match(decoded.problem ?? '', /WHOLE line/);
    assert.equal(decodePublicHostKey(HOST_KEY_B64).key, HOST_KEY);
  });

  it('reports a non-numeric maxJobs', function () {
    const { errors } = parseMachines('ssh://a x86_64-linux - many');
    assert.match(errors[0]?.message ?? '', /failed to convert column #3/);
  });

  it('splits store URIs: no scheme means ssh://, user, port, brackets, parameters', function () {
    assert.deepEqual(parseStoreUri('builder@host'), { scheme: 'ssh', user: 'builder', host: 'host' });
    assert.deepEqual(parseStoreUri('ssh-ng://builder@localhost:31022'), {
      scheme: 'ssh-ng',
      user: 'builder',
      host: 'localhost',
      port: 31022,
    });
    assert.deepEqual(parseStoreUri('ssh://[::1]:2222?compress=true'), {
      scheme: 'ssh',
      host: '::1',
      port: 2222,
    });
    assert.deepEqual(parseStoreUri('ssh-ng://linux-builder?ssh-key=/k'), {
      scheme: 'ssh-ng',
      host: 'linux-builder',
    });
    const bare = parseMachines('mac-mini x86_64-linux').entries[0];
    assert.ok(bare);
    assert.equal(bare.scheme, 'ssh', 'a bare host is ssh://');
    assert.ok(isSshBuilder(bare));
    const daemon = parseMachines('unix:///nix/var/nix/daemon-socket/socket x86_64-linux').entries[0];
    assert.ok(daemon);
    assert.equal(isSshBuilder(daemon), false, 'a non-SSH store is not probed over SSH');
  });
});
