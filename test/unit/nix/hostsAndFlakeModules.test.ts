/** The locator's view of how a flake is put together: hosts, module paths, and modules published by name. */
import assert from 'node:assert/strict';
import { locate } from '../../../src/nix/locate.js';
import { parseNix } from '../../../src/nix/parse.js';
import { analyzeNix } from '../../../src/rules/analyze.js';

const run = (text: string) => locate(parseNix(text));
const paths = (text: string): string[] => run(text).definitions.map((d) => d.path.join('.'));

describe('locate: hosts and module paths', () => {
  it('names each system call after its attribute and lists the module files it names', () => {
    const l = run(`{
  outputs = { nix-darwin, darwin, nixpkgs, ... }: {
    darwinConfigurations."work-mac" = nix-darwin.lib.darwinSystem { modules = [ ./hosts/work.nix ./common (import ./extra.nix) ./hosts/\${x}.nix ]; };
    darwinConfigurations = { home = (darwin.lib.darwinSystem { modules = [ { nix.enable = true; } ]; }); };
    nixosConfigurations.box = nixpkgs.lib.nixosSystem { modules = [ ]; };
  };
}`);
    assert.deepEqual(
      l.systems.map((s) => [s.key, s.builder, s.modulePaths]),
      [
        ['work-mac', 'darwinSystem', ['./hosts/work.nix', './common', './extra.nix']],
        ['home', 'darwinSystem', []],
        ['box', 'nixosSystem', []],
      ],
    );
    assert.equal(l.modules[0]?.system?.key, 'home');
  });

  it('keys system calls that share a name (or have none) by line', () => {
    const l = run(
      'let mk = m: darwinSystem { modules = [ m ]; }; in [ (darwinSystem { modules = [ ]; })\n (darwinSystem { modules = [ ]; }) ]',
    );
    assert.deepEqual(
      l.systems.map((s) => s.key),
      ['mk', 'darwinSystem@1', 'darwinSystem@2'],
    );
  });

  it('lists relative imports with the module that imports them, and the host of that module', () => {
    const l = run(
      '{ outputs = { nix-darwin, ... }: { darwinConfigurations.mac = nix-darwin.lib.darwinSystem { modules = [ { imports = [ ./a.nix ../b /etc/c.nix <d> ]; } ]; }; }; }',
    );
    assert.deepEqual(
      l.imports.map((i) => [i.path, i.module.system?.key]),
      [
        ['./a.nix', 'mac'],
        ['../b', 'mac'],
      ],
    );
  });
});

describe('locate: modules published by name (flake outputs and flake-parts)', () => {
  it('reads flake.modules.darwin.<name> in a flake-parts module as a nix-darwin module', () => {
    const text =
      '{ inputs, ... }: {\n  flake.modules.darwin.builder = { pkgs, ... }: {\n    nix.linux-builder.enable = true;\n  };\n}\n';
    assert.ok(paths(text).includes('nix.linux-builder.enable'), paths(text).join(', '));
    assert.equal(
      run(text)
        .modules.find((m) => m.kind === 'flake-module')
        ?.formals?.names.join(','),
      'pkgs',
    );
  });

  it("reads darwinModules.<name> in a flake's outputs and flake.darwinModules in mkFlake, nested or dotted", () => {
    const flake = `{
  inputs.flake-parts.url = "github:hercules-ci/flake-parts";
  outputs = inputs@{ flake-parts, ... }: flake-parts.lib.mkFlake { inherit inputs; } {
    flake.darwinModules.a = { nix.linux-builder.maxJobs = 1; };
    flake = { darwinModules = { b = { nix.linux-builder.maxJobs = 2; }; }; };
    flake.modules = { darwin.c = { nix.linux-builder.maxJobs = 3; }; nixos.d = { nix.linux-builder.maxJobs = 4; }; };
  };
}`;
    const values = run(flake)
      .definitions.filter((d) => d.path.join('.') === 'nix.linux-builder.maxJobs')
      .map((d) => d.value.kind === 'int' && d.value.value);
    assert.deepEqual(values, [1, 2, 3]);
    assert.deepEqual(paths('{ outputs = { self }: { darwinModules.default = { nix.enable = false; }; }; }'), [
      'nix.enable',
    ]);
  });

  it('runs the rules on such modules (they were skipped before)', () => {
    const text =
      '{\n  flake.modules.darwin.builder = {\n    nix.linux-builder.config.sshOptions = [ "-p" "31022" ];\n  };\n}\n';
    assert.ok(analyzeNix(text).findings.some((f) => f.code === 'ssh-options' && f.range.start.line === 2));
  });

  it('does not take other attributes called darwin for modules', () => {
    assert.deepEqual(
      paths(
        '{ outputs = { self }: { packages.darwin.x = { nix.enable = false; }; lib.darwinModules = { }; }; }',
      ),
      [],
    );
  });
});
