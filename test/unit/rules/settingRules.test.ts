import assert from 'node:assert/strict';
import { expectFindings, expectFixesWork, expectNone } from './expect.js';
import { analyzeNix } from '../../../src/rules/analyze.js';

describe('rule removed-option', () => {
  it('replaces nix.linux-builder.modules with config.imports', () => {
    const text = '{\n  nix.linux-builder = {\n    enable = true;\n    modules = [ ./extra.nix ];\n  };\n}\n';
    const [hit] = expectFindings(text, 'removed-option', [4]);
    assert.match(hit.detail ?? '', /replaced with nix.linux-builder.config/);
    assert.match(hit.message, /use nix\.linux-builder\.config\.imports/);
    const [fixed] = expectFixesWork(text, 'removed-option');
    assert.match(fixed, /config\.imports = \[ \.\/extra\.nix \];/);
  });
});

describe('rule requires-nix-enable', () => {
  it('flags the builder when nix.enable = false, with a fix for each way out and the other definition related', () => {
    const text = '{\n  nix.enable = false;\n  nix.linux-builder.enable = true;\n}\n';
    const [hit] = expectFindings(text, 'requires-nix-enable', [3]);
    assert.deepEqual(
      hit.fixes.map((f) => f.title),
      [
        'Turn nix.linux-builder off (Determinate Nix: use its own builder)',
        'Remove nix.enable = false (not with Determinate Nix)',
      ],
    );
    assert.equal(hit.related?.[0]?.range.start.line, 1);
    const [off, managed] = expectFixesWork(text, 'requires-nix-enable', 2);
    assert.match(off, /nix\.linux-builder\.enable = false;/);
    assert.doesNotMatch(managed, /nix\.enable = false/);
  });
  it("recognises Determinate's module, which sets nix.enable = mkForce false itself", () => {
    const flake =
      '{\n  inputs.determinate.url = "x";\n  outputs = { nix-darwin, determinate, ... }: {\n    darwinConfigurations.mac = nix-darwin.lib.darwinSystem {\n      modules = [\n        determinate.darwinModules.default\n        { nix.linux-builder.enable = true; }\n      ];\n    };\n  };\n}\n';
    const [hit] = expectFindings(flake, 'requires-nix-enable', [7]);
    assert.match(hit.message, /Determinate/);
    assert.equal(hit.related?.[0]?.range.start.line, 5);
    assert.deepEqual(
      hit.fixes.map((f) => f.title),
      ['Turn nix.linux-builder off (Determinate Nix: use its own builder)'],
    );
  });
  it('is quiet when nix.enable is not false', () => {
    expectNone('{ nix.enable = true; nix.linux-builder.enable = true; }\n', 'requires-nix-enable');
  });
});

describe('rule distributed-builds-off', () => {
  it('flags distributedBuilds = false (through mkForce) with builders configured, and removes it', () => {
    const text =
      '{ lib, ... }:\n{\n  nix.linux-builder.enable = true;\n  nix.distributedBuilds = lib.mkForce false;\n}\n';
    expectFindings(text, 'distributed-builds-off', [4]);
    const [fixed] = expectFixesWork(text, 'distributed-builds-off');
    assert.doesNotMatch(fixed, /distributedBuilds/);
  });
  it('still warns when the builders are declared in another module, and says so', () => {
    const [hit] = expectFindings('{ nix.distributedBuilds = false; }\n', 'distributed-builds-off', [1]);
    assert.match(hit.detail ?? '', /in any module/);
  });
  it('is quiet when distributed builds are on', () => {
    expectNone(
      '{ nix.distributedBuilds = true; nix.linux-builder.enable = true; }\n',
      'distributed-builds-off',
    );
  });
});

describe('rule ssh-config-disabled', () => {
  it('flags disabling 100-linux-builder.conf and never recommends /etc/hosts', () => {
    const text = '{\n  environment.etc."ssh/ssh_config.d/100-linux-builder.conf".enable = false;\n}\n';
    const [hit] = expectFindings(text, 'ssh-config-disabled', [2]);
    assert.doesNotMatch(hit.message, /\/etc\/hosts/);
    assert.match(hit.detail ?? '', /\/var\/root\/\.ssh\/config/);
    expectFixesWork(text, 'ssh-config-disabled');
  });
  it('also finds the nested spelling', () => {
    expectFindings(
      '{\n  environment.etc = {\n    "ssh/ssh_config.d/100-linux-builder.conf" = { enable = false; };\n  };\n}\n',
      'ssh-config-disabled',
      [3],
    );
  });
});

describe('rule host-port-mismatch', () => {
  it('flags a changed hostPort and writes the ssh config file with the new port', () => {
    const text =
      '{ pkgs, ... }:\n{\n  nix.linux-builder.enable = true;\n  nix.linux-builder.config.virtualisation.darwin-builder.hostPort = 31023;\n}\n';
    expectFindings(text, 'host-port-mismatch', [4]);
    const [fixed] = expectFixesWork(text, 'host-port-mismatch');
    assert.match(fixed, /Port 31023/);
    assert.match(fixed, /\{ lib, pkgs, \.\.\. \}:/);
  });
  it('is quiet when the file is overridden or the port is the default', () => {
    expectNone(
      '{ lib, ... }: {\n  nix.linux-builder.config.virtualisation.darwin-builder.hostPort = 31023;\n  environment.etc."ssh/ssh_config.d/100-linux-builder.conf".text = lib.mkForce "Port 31023";\n}\n',
      'host-port-mismatch',
    );
    expectNone(
      '{ nix.linux-builder.config.virtualisation.darwin-builder.hostPort = 31022; }\n',
      'host-port-mismatch',
    );
  });
});

describe('rules x86-needs-emulation and rosetta-unsupported', () => {
  it('flags aarch64 + x86_64 systems without binfmt emulation and adds it', () => {
    const text =
      '{\n  nix.linux-builder = {\n    enable = true;\n    systems = [ "aarch64-linux" "x86_64-linux" ];\n  };\n}\n';
    expectFindings(text, 'x86-needs-emulation', [4]);
    const [fixed] = expectFixesWork(text, 'x86-needs-emulation');
    assert.match(fixed, /config\.boot\.binfmt\.emulatedSystems = \[ "x86_64-linux" \];/);
  });
  it('is quiet when emulation is configured', () => {
    expectNone(
      '{\n  nix.linux-builder.systems = [ "aarch64-linux" "x86_64-linux" ];\n  nix.linux-builder.config.boot.binfmt.emulatedSystems = [ "x86_64-linux" ];\n}\n',
      'x86-needs-emulation',
    );
  });
  it('flags Rosetta in the VM config and replaces it with binfmt emulation', () => {
    const text =
      '{\n  nix.linux-builder.config = {\n    virtualisation.rosetta.enable = true;\n    virtualisation.cores = 4;\n  };\n}\n';
    expectFindings(text, 'rosetta-unsupported', [3]);
    const [fixed] = expectFixesWork(text, 'rosetta-unsupported');
    assert.match(fixed, /boot\.binfmt\.emulatedSystems = \[ "x86_64-linux" \];/);
    assert.doesNotMatch(fixed, /rosetta/);
  });
});

describe('rules localhost-no-port and localhost-skips-ssh', () => {
  it('flags localhost with a user (port 22 of the Mac) and offers the alias and the 127.0.0.1:31022 form', () => {
    const text =
      '{\n  nix.linux-builder.enable = true;\n  nix.buildMachines = [ {\n    hostName = "localhost";\n    sshUser = "builder";\n  } ];\n}\n';
    const [hit] = expectFindings(text, 'localhost-no-port', [4]);
    assert.equal(hit.fixes.length, 2);
    const [alias, ported] = expectFixesWork(text, 'localhost-no-port', 2);
    assert.match(alias, /hostName = "linux-builder";/);
    assert.match(ported, /hostName = "127\.0\.0\.1:31022";/);
    assert.match(ported, /\[127\.0\.0\.1\]:31022/);
    expectNone(text, 'localhost-skips-ssh');
  });
  it('flags bare localhost without a user (Nix builds locally) and adds the user', () => {
    const text =
      '{\n  nix.buildMachines = [ {\n    hostName = "localhost";\n    systems = [ "aarch64-linux" ];\n  } ];\n}\n';
    expectFindings(text, 'localhost-skips-ssh', [3]);
    expectNone(text, 'localhost-no-port');
    const [fixed] = expectFixesWork(text, 'localhost-skips-ssh');
    assert.match(fixed, /sshUser = "builder";/);
  });
});

describe('rule config-needs-bootstrap', () => {
  it('notes once per file that a customised VM needs a working builder first', () => {
    const [hit] = expectFindings(
      '{\n  nix.linux-builder.config = { virtualisation.cores = 4; };\n  nix.linux-builder.config.virtualisation.darwin-builder.memorySize = 4096;\n}\n',
      'config-needs-bootstrap',
      [2],
    );
    assert.equal(hit.severity, 'hint', 'advice, not a mistake: no squiggle on a healthy configuration');
  });
  it('is quiet once the builder is known to work (a health check or test build showed it)', () => {
    const text = '{\n  nix.linux-builder.config = { virtualisation.cores = 4; };\n}\n';
    assert.ok(analyzeNix(text).findings.some((f) => f.code === 'config-needs-bootstrap'));
    assert.ok(
      !analyzeNix(text, { builderWorks: true }).findings.some((f) => f.code === 'config-needs-bootstrap'),
    );
  });
  it('is quiet for an empty config', () => {
    expectNone('{ nix.linux-builder.config = { }; }\n', 'config-needs-bootstrap');
    expectNone('{\n  nix.linux-builder.config = {\n  };\n}\n', 'config-needs-bootstrap');
  });
});
