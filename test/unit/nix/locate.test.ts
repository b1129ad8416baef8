import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { locate } from '../../../src/nix/locate.js';
import type { Located, OptionDefinition } from '../../../src/nix/model.js';
import { parseNix } from '../../../src/nix/parse.js';
import { generateDarwinConfig } from '../../util/generateConfig.js';
import { fixturesDir } from '../../util/paths.js';

function run(text: string): Located & { text: string } {
  return { ...locate(parseNix(text)), text };
}

function defs(l: Located, path: string): OptionDefinition[] {
  return l.definitions.filter((d) => d.path.join('.') === path);
}

function def(l: Located, path: string): OptionDefinition {
  const found = defs(l, path);
  assert.equal(
    found.length,
    1,
    `expected one definition of ${path}, got ${found.length}: ${l.definitions.map((d) => d.path.join('.')).join(', ')}`,
  );
  const [first] = found;
  assert.ok(first);
  return first;
}

const slice = (text: string, span: { from: number; to: number }): string => text.slice(span.from, span.to);

describe('locate', () => {
  it('reads a dotted path as one definition whose path spans point at each name', () => {
    const l = run('{ nix.linux-builder.enable = true; }');
    const d = def(l, 'nix.linux-builder.enable');
    assert.deepEqual(d.value, { kind: 'bool', value: true, span: { from: 29, to: 33 } });
    assert.equal(d.ownLength, 3);
    assert.deepEqual(
      d.pathSpans.map((s) => slice(l.text, s)),
      ['nix', 'linux-builder', 'enable'],
    );
    assert.equal(slice(l.text, d.nameSpan), 'enable');
    assert.equal(slice(l.text, d.bindingSpan), 'nix.linux-builder.enable = true;');
    assert.equal(d.conditional, false);
    assert.equal(d.priority, 'normal');
    assert.equal(d.module.kind, 'file');
  });

  it('reads nested sets with a definition for every level and an AttrSetInfo per set', () => {
    const text = '{\n  nix = {\n    linux-builder = {\n      enable = true;\n    };\n  };\n}\n';
    const l = run(text);
    assert.equal(def(l, 'nix').value.kind, 'attrs');
    assert.equal(def(l, 'nix.linux-builder').value.kind, 'attrs');
    const enable = def(l, 'nix.linux-builder.enable');
    assert.equal(enable.ownLength, 1);
    assert.deepEqual(
      enable.pathSpans.map((s) => slice(text, s)),
      ['nix', 'linux-builder', 'enable'],
    );
    const sets = new Map(l.attrsets.map((a) => [a.path.join('.'), a]));
    assert.equal(sets.get('')?.innerIndent, '  ');
    assert.equal(sets.get('nix')?.innerIndent, '    ');
    assert.equal(sets.get('nix.linux-builder')?.innerIndent, '      ');
    assert.equal(
      slice(text, sets.get('nix.linux-builder')?.span ?? { from: 0, to: 0 }),
      '{\n      enable = true;\n    }',
    );
  });

  it('gives an empty set the indentation of its line plus two spaces', () => {
    const l = run('{\n    nix.linux-builder = { };\n}');
    assert.equal(l.attrsets.find((a) => a.path.join('.') === 'nix.linux-builder')?.innerIndent, '      ');
  });

  it('unquotes quoted names and spans the string', () => {
    const text = '{ nix."linux-builder".enable = true; "nix".settings."trusted-users" = [ ]; }';
    const l = run(text);
    const d = def(l, 'nix.linux-builder.enable');
    assert.equal(slice(text, d.pathSpans[1] ?? d.nameSpan), '"linux-builder"');
    assert.ok(defs(l, 'nix.settings.trusted-users').length === 1);
  });

  it('names an interpolated attribute ${…} and keeps the names after it', () => {
    const l = run('{ nix.${name}.enable = true; nix.${"linux-builder"}.maxJobs = 2; }');
    assert.equal(def(l, 'nix.${…}.enable').value.kind, 'bool');
    assert.equal(def(l, 'nix.linux-builder.maxJobs').value.kind, 'int');
  });

  it('sees through mkIf written bare, as lib.mkIf and as pkgs.lib.mkIf, marking it conditional', () => {
    const l = run(
      '{ config, lib, pkgs, ... }: { a = mkIf config.x 1; b = lib.mkIf c { d = 2; }; e = pkgs.lib.mkIf c "s"; }',
    );
    for (const path of ['a', 'b', 'b.d', 'e']) assert.equal(def(l, path).conditional, true, path);
    assert.deepEqual(def(l, 'a').value.kind, 'int');
    assert.equal(def(l, 'b.d').value.kind, 'int');
  });

  it('records mkDefault, mkForce, mkOverride and mkOptionDefault priorities', () => {
    const l = run(
      '{ a = lib.mkDefault 1; b = mkForce true; c = lib.mkOverride 50 "x"; d = mkOptionDefault [ ]; e = mkForce (mkIf c 2); f = 3; }',
    );
    assert.equal(def(l, 'a').priority, 'mkDefault');
    assert.equal(def(l, 'b').priority, 'mkForce');
    assert.equal(def(l, 'c').priority, 'mkOverride');
    assert.deepEqual(def(l, 'c').value.kind, 'string');
    assert.equal(def(l, 'd').priority, 'mkOptionDefault');
    assert.equal(def(l, 'e').priority, 'mkForce');
    assert.equal(def(l, 'e').conditional, true);
    assert.equal(def(l, 'f').priority, 'normal');
  });

  it('reads each element of mkMerge, and mkBefore/mkAfter/mkOrder values', () => {
    const l = run(
      '{ nix.linux-builder = lib.mkMerge [ { enable = true; } (lib.mkIf c { maxJobs = 2; }) ]; xs = mkBefore [ 1 ]; ys = lib.mkOrder 10 [ 2 ]; }',
    );
    assert.equal(defs(l, 'nix.linux-builder').length, 2);
    assert.equal(def(l, 'nix.linux-builder.enable').conditional, false);
    assert.equal(def(l, 'nix.linux-builder.maxJobs').conditional, true);
    assert.equal(def(l, 'xs').value.kind, 'list');
    assert.equal(def(l, 'ys').value.kind, 'list');
  });

  it('reads both branches of if-then-else as conditional', () => {
    const l = run('{ a = if x then { b = 1; } else { b = 2; c = 3; }; }');
    assert.equal(defs(l, 'a.b').length, 2);
    assert.ok(defs(l, 'a.b').every((d) => d.conditional));
    assert.equal(def(l, 'a.c').conditional, true);
  });

  it('reads a module function with its formals, let, and with scopes', () => {
    const text = '{ config, lib, ... }:\nlet x = 1; in\nwith lib;\n{ nix.enable = true; }';
    const l = run(text);
    assert.equal(l.modules.length, 1);
    const m = l.modules[0];
    assert.ok(m);
    assert.deepEqual(m.formals?.names, ['config', 'lib']);
    assert.equal(m.formals?.hasEllipsis, true);
    assert.equal(slice(text, m.formals?.span ?? m.span), '{ config, lib, ... }');
    assert.deepEqual(m.withScopes, ['lib']);
    assert.equal(slice(text, m.body), '{ nix.enable = true; }');
    assert.deepEqual(m.span, { from: 0, to: text.length });
    assert.equal(def(l, 'nix.enable').module, m);
  });

  it('reads an explicit options/config module from config, stripped of `config`', () => {
    const text = readFileSync(join(fixturesDir, 'nix', 'explicitModule.nix'), 'utf8');
    const l = run(text);
    const m = l.modules[0];
    assert.ok(m?.explicitConfig);
    assert.ok(slice(text, m.body).startsWith('{\n    nix.linux-builder = {'));
    assert.equal(def(l, 'nix.linux-builder.enable').conditional, true);
    assert.equal(def(l, 'nix.linux-builder.ephemeral').priority, 'mkDefault');
    assert.deepEqual(def(l, 'nix.settings.trusted-users').value.kind, 'list');
    assert.equal(
      l.definitions.some((d) => d.path[0] === 'options' || d.path[0] === 'config'),
      false,
    );
    assert.ok(
      run('{ config.nix.enable = true; options = { }; }').definitions.some(
        (d) => d.path.join('.') === 'nix.enable',
      ),
    );
  });

  it('reads inline modules in imports with the same prefix and skips path imports', () => {
    const text =
      '{ imports = [ ./a.nix { nix.enable = true; } ({ pkgs, ... }: { nix.linux-builder.enable = true; }) ]; }';
    const l = run(text);
    assert.deepEqual(
      l.modules.map((m) => m.kind),
      ['file', 'inline', 'inline'],
    );
    assert.equal(def(l, 'nix.enable').module.kind, 'inline');
    assert.deepEqual(def(l, 'nix.linux-builder.enable').module.formals?.names, ['pkgs']);
    assert.equal(
      l.definitions.some((d) => d.path[0] === 'imports'),
      false,
    );
    assert.deepEqual(
      l.lists.map((x) => x.path),
      [['imports']],
    );
    const bound = run('let extra = { nix.gc.automatic = true; }; in { imports = [ extra ]; }');
    assert.equal(def(bound, 'nix.gc.automatic').module.kind, 'inline');
  });

  it('reads flake modules from darwinSystem { modules = [ … ]; } and does not treat the flake as a module', () => {
    const text = readFileSync(join(fixturesDir, 'nix', 'flake.nix'), 'utf8');
    const l = run(text);
    assert.deepEqual(
      l.modules.map((m) => m.kind),
      ['flake-module', 'flake-module', 'builder-config'],
    );
    assert.equal(def(l, 'nix.linux-builder.maxJobs').module.kind, 'flake-module');
    const memory = def(l, 'nix.linux-builder.config.virtualisation.darwin-builder.memorySize');
    assert.equal(memory.module.kind, 'builder-config');
    assert.equal(memory.priority, 'mkForce');
    assert.equal(
      l.definitions.some(
        (d) => d.path[0] === 'inputs' || d.path[0] === 'outputs' || d.path[0] === 'description',
      ),
      false,
    );
  });

  it("reads the module nix-darwin's flake template binds in a let (modules = [ configuration ])", () => {
    const text = [
      '{',
      '  inputs.nix-darwin.url = "github:nix-darwin/nix-darwin";',
      '  outputs = inputs@{ self, nix-darwin, nixpkgs }:',
      '  let',
      '    configuration = { pkgs, ... }: {',
      '      nix.linux-builder.enable = true;',
      '    };',
      '  in {',
      '    darwinConfigurations."mac" = nix-darwin.lib.darwinSystem { modules = [ configuration ]; };',
      '    darwinConfigurations."other" = nix-darwin.lib.darwinSystem { modules = [ configuration ./x.nix ]; };',
      '  };',
      '}',
    ].join('\n');
    const l = run(text);
    assert.deepEqual(
      l.modules.map((m) => m.kind),
      ['flake-module'],
    );
    assert.equal(def(l, 'nix.linux-builder.enable').module.kind, 'flake-module');
    assert.deepEqual(
      run('{ outputs = { configuration }: { x = darwinSystem { modules = [ configuration ]; }; }; }').modules,
      [],
    );
  });

  it('reads bare darwinSystem and nixosSystem calls in any file', () => {
    const l = run(
      'let s = darwinSystem { modules = [ { nix.enable = true; } ] ++ [ ({ ... }: { nix.gc.automatic = true; }) ]; }; in s',
    );
    assert.deepEqual(
      l.modules.map((m) => m.kind),
      ['flake-module', 'flake-module'],
    );
    assert.ok(defs(l, 'nix.gc.automatic').length === 1);
  });

  it('reads nix.linux-builder.config given as a set and as a function as builder-config modules', () => {
    const asSet = run('{ nix.linux-builder.config = { virtualisation.cores = 6; }; }');
    const m = asSet.modules.find((x) => x.kind === 'builder-config');
    assert.deepEqual(m?.prefix, ['nix', 'linux-builder', 'config']);
    const cores = def(asSet, 'nix.linux-builder.config.virtualisation.cores');
    assert.equal(cores.module, m);
    assert.deepEqual(
      cores.pathSpans.map((s) => slice(asSet.text, s)),
      ['nix', 'linux-builder', 'config', 'virtualisation', 'cores'],
    );
    assert.equal(def(asSet, 'nix.linux-builder.config').value.kind, 'attrs');
    assert.ok(asSet.attrsets.some((a) => a.path.join('.') === 'nix.linux-builder.config' && a.module === m));

    const asFunction = run(
      '{ nix.linux-builder = { config = { lib, ... }: { virtualisation.darwin-builder.hostPort = 2222; }; }; }',
    );
    const f = asFunction.modules.find((x) => x.kind === 'builder-config');
    assert.deepEqual(f?.formals?.names, ['lib']);
    assert.equal(def(asFunction, 'nix.linux-builder.config').value.kind, 'function');
    assert.equal(
      def(asFunction, 'nix.linux-builder.config.virtualisation.darwin-builder.hostPort').module,
      f,
    );
  });

  it('reads mkMerge, mkIf and imports inside the builder config', () => {
    const text = readFileSync(join(fixturesDir, 'nix', 'builderConfig.nix'), 'utf8');
    const l = run(text);
    assert.equal(
      def(l, 'nix.linux-builder.config.virtualisation.darwin-builder.hostPort').module.kind,
      'builder-config',
    );
    assert.equal(def(l, 'nix.linux-builder.config.virtualisation.cores').conditional, true);
    const hostName = def(l, 'nix.linux-builder.config.networking.hostName');
    assert.equal(hostName.module.kind, 'inline');
    assert.deepEqual(hostName.module.prefix, ['nix', 'linux-builder', 'config']);
  });

  it('reads list entries as * paths with their entry span, set info and list info', () => {
    const text = readFileSync(join(fixturesDir, 'nix', 'builderConfig.nix'), 'utf8');
    const l = run(text);
    const hosts = defs(l, 'nix.buildMachines.*.hostName');
    assert.deepEqual(
      hosts.map((d) => d.value.kind === 'string' && d.value.value),
      ['linux-builder', 'big-linux'],
    );
    const entry = hosts[0]?.entrySpan;
    assert.ok(entry && slice(text, entry).startsWith('{\n      hostName = "linux-builder";'));
    assert.deepEqual(def(l, 'nix.buildMachines.*.sshUser').entrySpan, entry);
    assert.equal(slice(text, hosts[0]?.pathSpans[2] ?? { from: 0, to: 0 }), slice(text, entry));
    const entries = l.attrsets.filter((a) => a.path.join('.') === 'nix.buildMachines.*');
    assert.equal(entries.length, 2);
    assert.equal(entries[0]?.innerIndent, '      ');
    const list = l.lists.find((x) => x.path.join('.') === 'nix.buildMachines');
    assert.equal(list?.innerIndent, '    ');
  });

  it('reads list entries wrapped in mkIf and lists joined with ++', () => {
    const l = run('{ nix.buildMachines = [ (lib.mkIf c { hostName = "a"; }) ] ++ [ { hostName = "b"; } ]; }');
    const hosts = defs(l, 'nix.buildMachines.*.hostName');
    assert.deepEqual(
      hosts.map((d) => d.conditional),
      [true, false],
    );
    assert.equal(l.lists.filter((x) => x.path.join('.') === 'nix.buildMachines').length, 2);
  });

  it('reads an explicit module whose config is mkMerge of sets', () => {
    const l = run(
      '{ lib, ... }: { options = { }; config = lib.mkMerge [ { nix.enable = true; } (lib.mkIf x { nix.gc.automatic = true; }) ]; }',
    );
    assert.equal(def(l, 'nix.enable').conditional, false);
    assert.equal(def(l, 'nix.gc.automatic').conditional, true);
    assert.equal(l.attrsets.filter((a) => a.path.length === 0).length, 2);
  });

  it('reads inherit as definitions', () => {
    const l = run('{ inherit (pkgs) hello; inherit enable; }');
    assert.deepEqual(def(l, 'hello').value, {
      kind: 'other',
      text: 'pkgs.hello',
      span: { from: 17, to: 22 },
    });
    assert.equal(def(l, 'enable').value.kind, 'other');
  });

  it('still reads every binding after a missing semicolon, the one right after it included', () => {
    // `enable = true⏎ nix.linux-builder.maxJobs = 4;` parses as the call `true nix.linux-builder.maxJobs`
    // with the second `=` dropped; the locator splits it back into the two bindings.
    const text = readFileSync(join(fixturesDir, 'nix', 'syntaxError.nix'), 'utf8');
    const l = run(text);
    const enable = def(l, 'nix.linux-builder.enable').value;
    assert.equal(enable.kind === 'bool' && enable.value, true);
    const maxJobs = def(l, 'nix.linux-builder.maxJobs');
    assert.equal(maxJobs.value.kind === 'int' && maxJobs.value.value, 4);
    assert.deepEqual(
      maxJobs.pathSpans.map((s) => slice(text, s)),
      ['nix', 'linux-builder', 'maxJobs'],
    );
    assert.ok(slice(text, maxJobs.bindingSpan).startsWith('nix.linux-builder.maxJobs = 4'));
    assert.equal(def(l, 'nix.settings.trusted-users').value.kind, 'list');
    const split = run('{\n  a = f x\n  b = { c = 1; };\n}');
    assert.deepEqual(def(split, 'a').value, { kind: 'other', text: 'f x', span: { from: 8, to: 11 } });
    assert.equal(def(split, 'b.c').value.kind, 'int');
    assert.ok(defs(l, 'nix.linux-builder.systems').length === 1);
  });

  it('reads the user report configuration, sshOptions inside the builder config included', () => {
    const text = readFileSync(join(fixturesDir, 'nix', 'userReport.nix'), 'utf8');
    const l = run(text);
    const ssh = def(l, 'nix.linux-builder.config.sshOptions');
    assert.equal(ssh.module.kind, 'builder-config');
    assert.equal(ssh.value.kind, 'list');
    assert.equal(ssh.value.kind === 'list' && ssh.value.items.length, 12);
    assert.equal(slice(text, ssh.nameSpan), 'sshOptions');
  });

  it('keeps a name span for every path element of every definition of a large configuration', () => {
    const text = generateDarwinConfig(2000, 4);
    const l = run(text);
    assert.ok(l.definitions.length > 1000);
    for (const d of l.definitions) {
      assert.equal(d.pathSpans.length, d.path.length, d.path.join('.'));
      const last = d.path.at(-1) ?? '';
      if (last !== '*' && last !== '${…}')
        assert.ok(slice(text, d.nameSpan).includes(last), d.path.join('.'));
    }
  });

  it('reads a module that imports itself once', () => {
    const l = run('let m = { imports = [ m ]; a = 1; }; in { imports = [ m ]; }');
    assert.deepEqual(
      l.modules.map((x) => x.kind),
      ['file', 'inline'],
    );
    assert.equal(defs(l, 'a').length, 1);
  });

  it('finds nothing to read in a file that is not a module and never throws on garbage', () => {
    assert.deepEqual(run('pkgs: pkgs.hello').definitions, []);
    for (const text of [
      '',
      '{',
      '{ a = ',
      '{ imports = [ { ',
      'x: { config = mkIf }',
      '{ nix.linux-builder.config = ; }',
    ]) {
      assert.doesNotThrow(() => run(text), text);
    }
  });
});
