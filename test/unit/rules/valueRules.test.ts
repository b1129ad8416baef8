import assert from 'node:assert/strict';
import { judgePublicHostKey } from '../../../src/rules/all/publicHostKeyFormat.js';
import { expectFindings, expectFixesWork, expectNone } from './expect.js';

const LINE = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJBWcxb/Blaqt1auOtE+F8QUWrUotiC5qBJ+UuEWdVCb root@nixos';
const GOOD = Buffer.from(LINE).toString('base64');

describe('rule type-mismatch', () => {
  it('flags a single string for systems and wraps it in a list', () => {
    const text = '{ nix.linux-builder.systems = "aarch64-linux"; }\n';
    expectFindings(text, 'type-mismatch', [1]);
    const [fixed] = expectFixesWork(text, 'type-mismatch');
    assert.equal(fixed, '{ nix.linux-builder.systems = [ "aarch64-linux" ]; }\n');
  });

  it('flags maxJobs = "4" and an unknown protocol, in a buildMachines entry too', () => {
    const text =
      '{\n  nix.linux-builder.maxJobs = "4";\n  nix.linux-builder.protocol = "ssh+ng";\n  nix.buildMachines = [ { hostName = "b"; maxJobs = "2"; } ];\n}\n';
    expectFindings(text, 'type-mismatch', [2, 3, 4]);
    const fixed = expectFixesWork(text, 'type-mismatch', 3);
    assert.match(fixed[1], /protocol = "ssh-ng"/);
  });

  it("accepts 0 for the VM's diskSize, memorySize and hostPort (plain types.int in nix-builder-vm.nix) but not for maxJobs", () => {
    expectNone(
      '{ nix.linux-builder.config.virtualisation.darwin-builder = { diskSize = 0; memorySize = 0; hostPort = 0; }; }',
      'type-mismatch',
    );
    expectFindings('{\n  nix.linux-builder.maxJobs = 0;\n}', 'type-mismatch', [2]);
  });

  it('does not judge values it cannot know (variables, calls)', () => {
    expectNone(
      '{ config, ... }: { nix.linux-builder.maxJobs = config.something; nix.linux-builder.systems = lib.mkDefault [ "aarch64-linux" ]; }\n',
      'type-mismatch',
    );
  });
});

describe('rule public-host-key-format', () => {
  it('accepts base64 of the whole key line', () => {
    assert.equal(judgePublicHostKey(GOOD), undefined);
  });

  it('recognises the bare key blob and computes base64 of the whole line', () => {
    const verdict = judgePublicHostKey(
      'AAAAC3NzaC1lZDI1NTE5AAAAIJBWcxb/Blaqt1auOtE+F8QUWrUotiC5qBJ+UuEWdVCb',
    );
    assert.match(verdict!.problem, /bare key blob/);
    assert.equal(
      Buffer.from(verdict!.corrected!, 'base64').toString(),
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJBWcxb/Blaqt1auOtE+F8QUWrUotiC5qBJ+UuEWdVCb',
    );
  });

  it('recognises a plain key line and invalid base64', () => {
    assert.equal(judgePublicHostKey(LINE)!.corrected, GOOD);
    assert.match(judgePublicHostKey('not base64!')!.problem, /not valid base64/);
  });

  it('flags the value in an entry and its fix clears the finding', () => {
    const text = `{\n  nix.buildMachines = [ {\n    hostName = "linux-builder";\n    publicHostKey = "${LINE}";\n  } ];\n}\n`;
    expectFindings(text, 'public-host-key-format', [4]);
    const [fixed] = expectFixesWork(text, 'public-host-key-format');
    assert.ok(fixed.includes(GOOD));
  });
});

describe('rule ssh-key-store-path', () => {
  it('flags a path literal key and quotes absolute ones', () => {
    const text =
      '{\n  nix.buildMachines = [ { hostName = "linux-builder"; sshKey = /etc/nix/builder_ed25519; } ];\n}\n';
    expectFindings(text, 'ssh-key-store-path', [2]);
    const [fixed] = expectFixesWork(text, 'ssh-key-store-path');
    assert.match(fixed, /sshKey = "\/etc\/nix\/builder_ed25519";/);
  });

  it('flags a relative path literal without guessing a fix', () => {
    const [hit] = expectFindings(
      '{ nix.buildMachines = [ { hostName = "b"; sshKey = ./keys/id; } ]; }\n',
      'ssh-key-store-path',
      [1],
    );
    assert.equal(hit.fixes.length, 0);
  });

  it('accepts a string', () => {
    expectNone(
      '{ nix.buildMachines = [ { hostName = "b"; sshKey = "/etc/nix/id"; } ]; }\n',
      'ssh-key-store-path',
    );
  });
});

describe('rule ssh-key-store-path on interpolated paths', () => {
  it('flags "${./key}", which copies the private key into the store', () => {
    const [hit] = expectFindings(
      '{ nix.buildMachines = [ { hostName = "b"; sshKey = "${./keys/id}"; } ]; }\n',
      'ssh-key-store-path',
      [1],
    );
    assert.match(hit.message, /world-readable \/nix\/store/);
  });
});

describe('rule type-mismatch on null', () => {
  it('rejects protocol = null under nix.linux-builder (a plain string) but not in a buildMachines entry', () => {
    expectFindings('{ nix.linux-builder.protocol = null; }\n', 'type-mismatch', [1]);
    expectNone('{ nix.buildMachines = [ { hostName = "b"; protocol = null; } ]; }\n', 'type-mismatch');
  });
});
