/** The rules for mistakes users report (issue 12): planted mistakes, quiet cases, and fixes applied and read back. */
import assert from 'node:assert/strict';
import { correctSystem } from '../../../src/rules/all/invalidSystem.js';
import { requireTools } from '../../util/prerequisites.js';
import { resultingMachines } from '../../util/resultingConfig.js';
import { expectFindings, expectFixesWork, expectNone } from './expect.js';

describe('rule host-name-has-scheme', () => {
  before(function () {
    requireTools(this, ['nix-instantiate']);
  });

  it('splits "ssh://builder@localhost:31022" into hostName, sshUser and protocol', () => {
    const text =
      '{\n  nix.distributedBuilds = true;\n  nix.buildMachines = [ {\n    hostName = "ssh-ng://builder@127.0.0.1:31022";\n    systems = [ "aarch64-linux" ];\n    maxJobs = 3;\n  } ];\n}\n';
    const [hit] = expectFindings(text, 'host-name-has-scheme', [4]);
    assert.match(hit.message, /ssh:\/\/ssh-ng:\/\/builder@127\.0\.0\.1:31022/);
    const [fixed] = expectFixesWork(text, 'host-name-has-scheme');
    assert.deepEqual(
      resultingMachines(fixed).map((e) => [e.hostName, e.sshUser, e.protocol, e.maxJobs]),
      [['127.0.0.1:31022', 'builder', 'ssh-ng', 3]],
    );
  });

  it('keeps a protocol that already matches and flags a user next to sshUser', () => {
    const text =
      '{\n  nix.buildMachines = [ {\n    hostName = "builder@box";\n    sshUser = "builder";\n    protocol = "ssh";\n    system = "x86_64-linux";\n  } ];\n}\n';
    expectFindings(text, 'host-name-has-scheme', [3]);
    const [fixed] = expectFixesWork(text, 'host-name-has-scheme');
    assert.deepEqual(
      resultingMachines(fixed).map((e) => [e.hostName, e.sshUser, e.protocol]),
      [['box', 'builder', 'ssh']],
    );
  });

  it('is quiet for plain hosts, a lone user (a working URI), and protocol = null (nothing prepended)', () => {
    expectNone(
      '{ nix.buildMachines = [ { hostName = "builder@box"; system = "x86_64-linux"; } ]; }\n',
      'host-name-has-scheme',
    );
    expectNone(
      '{ nix.buildMachines = [ { hostName = "ssh://builder@box"; protocol = null; system = "x86_64-linux"; } ]; }\n',
      'host-name-has-scheme',
    );
    expectNone(
      '{ nix.buildMachines = [ { hostName = "box.lan"; system = "x86_64-linux"; } ]; }\n',
      'host-name-has-scheme',
    );
  });
});

describe('rule build-machines-ignored', () => {
  before(function () {
    requireTools(this, ['nix-instantiate']);
  });
  /** A flake whose host module is `module`: the whole configuration is in sight. */
  const host = (module: string) =>
    `{\n  outputs = { nix-darwin, ... }: {\n    darwinConfigurations.mac = nix-darwin.lib.darwinSystem {\n      modules = [\n        ${module}\n      ];\n    };\n  };\n}\n`;
  const entry = 'nix.buildMachines = [ { hostName = "box"; system = "x86_64-linux"; } ];';

  it('flags hand-written builders without distributedBuilds in a host, and adds it', () => {
    const text = host(`{\n          ${entry}\n        }`);
    expectFindings(text, 'build-machines-ignored', [6]);
    const [fixed] = expectFixesWork(text, 'build-machines-ignored');
    assert.match(fixed, /nix\.distributedBuilds = true;/);
    assert.equal(resultingMachines(fixed).length, 1);
  });

  it("is quiet with nix-darwin's builder enabled, distributedBuilds defined, mkForce [ ], mkIf, or nix.enable = false", () => {
    for (const module of [
      `{ nix.linux-builder.enable = true; ${entry} }`,
      `{ nix.distributedBuilds = true; ${entry} }`,
      `{ nix.enable = false; ${entry} }`,
      '({ lib, ... }: { nix.buildMachines = lib.mkForce [ ]; })',
      '({ lib, config, ... }: { nix.buildMachines = lib.mkIf config.nix.linux-builder.enable [ { hostName = "b"; system = "x86_64-linux"; } ]; })',
    ])
      expectNone(host(module), 'build-machines-ignored');
  });

  it('is quiet for a module file alone: the host that imports it may enable distributed builds', () => {
    expectNone(`{ ... }: { ${entry} }\n`, 'build-machines-ignored');
  });

  it('a disabled nix-darwin builder does not enable distributed builds', () => {
    expectFindings(
      host(`{\n          nix.linux-builder.enable = false;\n          ${entry}\n        }`),
      'build-machines-ignored',
      [7],
    );
  });
});

describe('rule invalid-system', () => {
  before(function () {
    requireTools(this, ['nix-instantiate']);
  });

  it('knows the doubles and the usual misspellings', () => {
    assert.equal(correctSystem('aarch64-linux'), undefined);
    assert.equal(correctSystem('riscv64-linux'), undefined);
    assert.equal(correctSystem('x86_64'), 'x86_64-linux');
    assert.equal(correctSystem('arm64-linux'), 'aarch64-linux');
    assert.equal(correctSystem('aarch64-darwin '), 'aarch64-darwin');
    assert.equal(correctSystem('aarch64-linx'), 'aarch64-linux');
    assert.equal(correctSystem('sparc64-illumos'), undefined);
  });

  it('flags each bad value in systems and system lists, and the fix writes the double', () => {
    const text =
      '{\n  nix.buildMachines = [\n    { hostName = "a"; systems = [ "aarch64-linux" "x86_64" ]; }\n    { hostName = "b"; system = "aarch64-darwin "; }\n  ];\n}\n';
    expectFindings(text, 'invalid-system', [3, 4]);
    const [first, second] = expectFixesWork(text, 'invalid-system', 2);
    assert.match(first, /systems = \[ "aarch64-linux" "x86_64-linux" \]/);
    assert.match(second, /system = "aarch64-darwin";/);
  });
});

describe('rule vm-option-conflict', () => {
  before(function () {
    requireTools(this, ['nix-instantiate']);
  });

  it('flags a plain config.virtualisation.memorySize and moves it to darwin-builder.memorySize', () => {
    const text =
      '{\n  nix.linux-builder.enable = true;\n  nix.linux-builder.config = {\n    virtualisation.memorySize = 16384;\n    virtualisation.cores = 6;\n  };\n}\n';
    expectFindings(text, 'vm-option-conflict', [4]);
    const [fixed] = expectFixesWork(text, 'vm-option-conflict');
    assert.match(fixed, /darwin-builder\.memorySize = 16384;/);
    assert.doesNotMatch(fixed, /virtualisation\.memorySize/);
  });

  it('names the darwin-builder value it conflicts with and points at it', () => {
    const text =
      '{\n  nix.linux-builder.config.virtualisation.darwin-builder.diskSize = 40960;\n  nix.linux-builder.config.virtualisation.diskSize = 61440;\n}\n';
    const [hit] = expectFindings(text, 'vm-option-conflict', [3]);
    assert.match(hit.message, /40960/);
    assert.equal(hit.related?.[0]?.range.start.line, 1);
  });

  it('is quiet for cores, forwardPorts, mkForce, the same value, and a builder that is off', () => {
    expectNone(
      '{ lib, ... }: {\n  nix.linux-builder.config.virtualisation.cores = 8;\n  nix.linux-builder.config.virtualisation.forwardPorts = [ { from = "host"; host.port = 2222; guest.port = 22; } ];\n  nix.linux-builder.config.virtualisation.memorySize = lib.mkForce 8192;\n  nix.linux-builder.config.virtualisation.diskSize = 20480;\n}\n',
      'vm-option-conflict',
    );
    expectNone(
      '{\n  nix.linux-builder.enable = false;\n  nix.linux-builder.config.virtualisation.memorySize = 16384;\n}\n',
      'vm-option-conflict',
    );
  });
});

describe('rule disk-size-not-applied', () => {
  it('notes that an existing disk keeps its size, with the image path the configuration gives', () => {
    const [hit] = expectFindings(
      '{\n  nix.linux-builder.workingDirectory = "/var/lib/darwin-builder";\n  nix.linux-builder.config.virtualisation.darwin-builder.diskSize = 40960;\n}\n',
      'disk-size-not-applied',
      [3],
    );
    assert.equal(hit.severity, 'information');
    assert.match(hit.detail ?? '', /sudo rm \/var\/lib\/darwin-builder\/nixos\.qcow2/);
  });

  it('is quiet with ephemeral = true (the image is removed before each start)', () => {
    expectNone(
      '{\n  nix.linux-builder.ephemeral = true;\n  nix.linux-builder.config.virtualisation.darwin-builder.diskSize = 40960;\n}\n',
      'disk-size-not-applied',
    );
  });
});

describe('rule ssh-config-not-forced', () => {
  before(function () {
    requireTools(this, ['nix-instantiate']);
  });

  it("flags a plain text override of the builder's ssh config and wraps it in lib.mkForce", () => {
    const text =
      "{\n  nix.linux-builder.enable = true;\n  environment.etc.\"ssh/ssh_config.d/100-linux-builder.conf\".text = ''\n    Host linux-builder\n      Hostname 127.0.0.1\n  '';\n}\n";
    expectFindings(text, 'ssh-config-not-forced', [3]);
    const [fixed] = expectFixesWork(text, 'ssh-config-not-forced');
    assert.match(fixed, /^\{ lib, \.\.\. \}:/);
    assert.match(fixed, /\.text = lib\.mkForce ''/);
  });

  it('replaces mkDefault with mkForce', () => {
    const text =
      '{ lib, ... }:\n{\n  nix.linux-builder.enable = true;\n  environment.etc."ssh/ssh_config.d/100-linux-builder.conf".text = lib.mkDefault "Host linux-builder\\n  Port 2222\\n";\n}\n';
    expectFindings(text, 'ssh-config-not-forced', [4]);
    const [fixed] = expectFixesWork(text, 'ssh-config-not-forced');
    assert.match(fixed, /\.text = lib\.mkForce "Host/);
  });

  it("is quiet with mkForce, or without nix-darwin's builder", () => {
    expectNone(
      '{ lib, ... }: { nix.linux-builder.enable = true; environment.etc."ssh/ssh_config.d/100-linux-builder.conf".text = lib.mkForce "x"; }\n',
      'ssh-config-not-forced',
    );
    expectNone(
      '{ environment.etc."ssh/ssh_config.d/100-linux-builder.conf".text = "x"; }\n',
      'ssh-config-not-forced',
    );
  });
});
