import assert from 'node:assert/strict';
import { expectFindings, expectFixesWork, expectNone } from './expect.js';
import { itemAt } from '../../util/itemAt.js';

describe('rule unknown-option', () => {
  it('says publicHostKey under nix.linux-builder does not exist and that the key is already pinned', () => {
    const [hit] = expectFindings(
      '{ nix.linux-builder.publicHostKey = builtins.readFile ./key.pub; }\n',
      'unknown-option',
      [1],
    );
    assert.match(hit.message, /already pins/);
    // The first clause whole: the dot of an option name does not end it.
    assert.match(
      hit.message,
      /publicHostKey is not an option: nix-darwin already pins the VM's fixed host key\.$/,
    );
    assert.match(hit.detail ?? '', /there is nothing to set/);
    assert.equal(hit.fixes.length, 0);
  });

  it('moves hostPort to config.virtualisation.darwin-builder.hostPort, nested form', () => {
    const text = '{\n  nix.linux-builder = {\n    enable = true;\n    hostPort = 31022;\n  };\n}\n';
    const [hit] = expectFindings(text, 'unknown-option', [4]);
    assert.match(hit.message, /config\.virtualisation\.darwin-builder\.hostPort/);
    const [fixed] = expectFixesWork(text, 'unknown-option');
    assert.match(fixed, /config\.virtualisation\.darwin-builder\.hostPort = 31022;/);
  });

  it('moves memorySize into a function-valued config module instead of clashing with it', () => {
    const text =
      '{\n  nix.linux-builder = {\n    memorySize = 8192;\n    config = { pkgs, ... }: {\n      environment.systemPackages = [ pkgs.htop ];\n    };\n  };\n}\n';
    expectFindings(text, 'unknown-option', [3]);
    const [fixed] = expectFixesWork(text, 'unknown-option');
    assert.match(fixed, /virtualisation\.darwin-builder\.memorySize = 8192;/);
    assert.doesNotMatch(fixed, /^\s*memorySize/m);
  });

  it('suggests the closest real name (system → systems, maxjobs → maxJobs)', () => {
    const text =
      '{\n  nix.linux-builder.system = [ "aarch64-linux" ];\n  nix.linux-builder.maxjobs = 2;\n}\n';
    const hits = expectFindings(text, 'unknown-option', [2, 3]);
    assert.match(hits[0].message, /did you mean systems\?/);
    assert.match(hits[1].message, /did you mean maxJobs\?/);
    expectFixesWork(text, 'unknown-option', 2);
  });

  it('catches a misspelt builder name under nix and renames only that name', () => {
    const text = '{ nix.linux-buildr.enable = true; }\n';
    expectFindings(text, 'unknown-option', [1]);
    const [fixed] = expectFixesWork(text, 'unknown-option');
    assert.equal(fixed, '{ nix.linux-builder.enable = true; }\n');
  });

  it('reads a lost dot (nix.linux-builderconfig) as linux-builder.config, not as the builder itself', () => {
    // A typo found by the fix-safety sweep in test/fixtures/nix/builderConfig.nix: "did you mean
    // linux-builder" moved the VM's config onto nix.linux-builder, beside nix.linux-builder.enable.
    const text =
      '{ lib, ... }:\nwith lib;\n{\n  nix.linux-builder.enable = true;\n  nix.linux-builderconfig = mkMerge [\n    { virtualisation.cores = 6; }\n  ];\n}\n';
    const [hit] = expectFindings(text, 'unknown-option', [5]);
    assert.match(hit.message, /did you mean linux-builder\.config\?/);
    const [fixed] = expectFixesWork(text, 'unknown-option');
    assert.match(fixed, /\n {2}nix\.linux-builder\.config = mkMerge \[\n/);
    // Written as a prefix of other names, only that name changes.
    const [renamed] = expectFixesWork(
      '{ nix.linux-builderconfig.virtualisation.cores = 6; }\n',
      'unknown-option',
    );
    assert.equal(renamed, '{ nix.linux-builder.config.virtualisation.cores = 6; }\n');
  });

  it('moves no mkMerge onto a name other bindings make a set of (Nix merges only sets written as sets)', () => {
    const beside = '  nix.linux-builder.maxJobs = 2;\n}\n';
    const merged = `{ lib, ... }:\n{\n  nix.linux-buildr = lib.mkMerge [ { enable = true; } ];\n${beside}`;
    const [hit] = expectFindings(merged, 'unknown-option', [3]);
    assert.deepEqual(hit.fixes, []);
    // The same set written as a set merges with nix.linux-builder.maxJobs: that one moves.
    const literal = `{ lib, ... }:\n{\n  nix.linux-buildr = { enable = true; };\n${beside}`;
    const [fixed] = expectFixesWork(literal, 'unknown-option');
    assert.match(fixed, /nix\.linux-builder = \{ enable = true; \};/);
  });

  it('flags names under config that are no NixOS option, but not real NixOS namespaces', () => {
    const text =
      '{\n  nix.linux-builder.config = {\n    diskSize = 40960;\n    networking.hostName = "vm";\n    services.openssh.enable = true;\n    users.users.builder.extraGroups = [ "wheel" ];\n  };\n}\n';
    const [hit] = expectFindings(text, 'unknown-option', [3]);
    assert.match(hit.message, /virtualisation\.darwin-builder\.diskSize/);
    expectFixesWork(text, 'unknown-option');
  });

  it('flags unknown fields in nix.buildMachines entries (port → hostName advice)', () => {
    const text =
      '{\n  nix.buildMachines = [\n    { hostName = "linux-builder"; port = 31022; sshUser = "builder"; }\n  ];\n}\n';
    const [hit] = expectFindings(text, 'unknown-option', [3]);
    assert.match(hit.message, /entries have no port field/);
    assert.match(hit.detail ?? '', /127\.0\.0\.1:31022/);
  });

  it('reports nothing on real options in every spelling', () => {
    const text = `{ lib, ... }: {
  nix = {
    enable = true;
    settings.trusted-users = [ "@admin" ];
    gc.automatic = true;
    "linux-builder" = lib.mkIf true {
      enable = lib.mkDefault true;
      config.virtualisation.darwin-builder.memorySize = 4096;
    };
  };
}
`;
    expectNone(text, 'unknown-option');
  });
});

describe('rule unknown-option below known names', () => {
  it('checks names inside nix.linux-builder.config.virtualisation.darwin-builder', () => {
    const [hit] = expectFindings(
      '{ nix.linux-builder.config.virtualisation.darwin-builder.memSize = 1; }\n',
      'unknown-option',
      [1],
    );
    assert.match(hit.detail ?? '', /memorySize/);
  });
  it('checks names directly inside nix.linux-builder.config', () => {
    expectFindings('{ nix.linux-builder.config.diskSize = 1; }\n', 'unknown-option', [1]);
  });
});

describe('rule unknown-option moves next to existing sets', () => {
  it('moves hostPort into an existing config = { … } set rather than a clashing dotted binding', () => {
    // (31022, the default: another port would rightly bring host-port-mismatch along.)
    const text =
      '{\n  nix.linux-builder = {\n    hostPort = 31022;\n    config = {\n      virtualisation.cores = 2;\n    };\n  };\n}\n';
    const [fixed] = expectFixesWork(text, 'unknown-option');
    assert.match(
      fixed,
      /config = \{\n {6}virtualisation\.cores = 2;\n {6}virtualisation\.darwin-builder\.hostPort = 31022;\n {4}\};/,
    );
  });
  it('only removes the misplaced binding when the right option is already set', () => {
    const text =
      '{\n  nix.linux-builder = {\n    hostPort = 31023;\n    config.virtualisation.darwin-builder.hostPort = 31023;\n  };\n}\n';
    const [hit] = expectFindings(text, 'unknown-option', [3]);
    assert.match(itemAt(hit.fixes, 0).title, /already set/);
    const [fixed] = expectFixesWork(text, 'unknown-option');
    assert.doesNotMatch(fixed, /^\s*hostPort/m);
  });
});

describe('rule unknown-option with imported VM modules', () => {
  it('trusts names under config when config imports modules that may declare them, but not known mistakes', () => {
    const text =
      '{\n  nix.linux-builder.config = {\n    imports = [ ./sops.nix ];\n    sops.secrets.token = { };\n    diskSize = 40960;\n  };\n}\n';
    expectFindings(text, 'unknown-option', [5]);
  });
});
