import assert from 'node:assert/strict';
import { locate } from '../../../src/nix/locate.js';
import type { StaticValue } from '../../../src/nix/model.js';
import { parseNix } from '../../../src/nix/parse.js';
import { decodeIndented } from '../../../src/nix/strings.js';

function valueOf(expr: string): StaticValue {
  const d = locate(parseNix(`{ v = ${expr}; }`)).definitions.find((x) => x.path.join('.') === 'v');
  assert.ok(d, expr);
  return d.value;
}

function without(v: StaticValue): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...v };
  delete rest.span;
  return rest;
}

describe('static values', () => {
  const cases: [string, unknown][] = [
    ['"a\\nb\\t\\"c\\\\ \\$ $${x}"', { kind: 'string', value: 'a\nb\t"c\\ $ $${x}', quote: 'double' }],
    ['"a${b}"', { kind: 'string', value: null, quote: 'double' }],
    ["''\n    line one\n      two\n  ''", { kind: 'string', value: 'line one\n  two\n', quote: 'indented' }],
    ["''a ''${b} ''' ''\\n end''", { kind: 'string', value: "a ${b} '' \n end", quote: 'indented' }],
    ["''${x}''", { kind: 'string', value: null, quote: 'indented' }],
    ['42', { kind: 'int', value: 42 }],
    ['-4', { kind: 'int', value: -4 }],
    ['1.5e3', { kind: 'float', value: 1500 }],
    ['.5', { kind: 'float', value: 0.5 }],
    ['-0.25', { kind: 'float', value: -0.25 }],
    ['true', { kind: 'bool', value: true }],
    ['false', { kind: 'bool', value: false }],
    ['null', { kind: 'null' }],
    ['./key', { kind: 'path', text: './key' }],
    ['/etc/nix/builder_ed25519', { kind: 'path', text: '/etc/nix/builder_ed25519' }],
    ['~/.ssh/id', { kind: 'path', text: '~/.ssh/id' }],
    ['<nixpkgs>', { kind: 'path', text: '<nixpkgs>' }],
    ['./keys/${host}', { kind: 'path', text: './keys/${host}' }],
    ['(8)', { kind: 'int', value: 8 }],
    ['x: x', { kind: 'function' }],
    ['8 * 1024', { kind: 'other', text: '8 * 1024' }],
    ['pkgs.hello', { kind: 'other', text: 'pkgs.hello' }],
  ];
  for (const [expr, expected] of cases) {
    it(`reads ${JSON.stringify(expr)} as ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(without(valueOf(expr)), expected);
    });
  }

  it('reads list items recursively with their spans', () => {
    const v = valueOf('[ "a" 1 [ true ] { } ]');
    assert.equal(v.kind, 'list');
    if (v.kind !== 'list') return;
    assert.deepEqual(
      v.items.map((i) => i.kind),
      ['string', 'int', 'list', 'attrs'],
    );
    const inner = v.items[2];
    assert.ok(inner?.kind === 'list' && inner.items[0]?.kind === 'bool');
    assert.deepEqual(v.items[0]?.span, { from: 8, to: 11 });
  });

  it('strips indentation like Nix: blank lines, escapes that end indentation, a final line of spaces', () => {
    assert.equal(decodeIndented('\n  a\n\n    b\n  '), 'a\n\n  b\n');
    assert.equal(decodeIndented('  \n  a\n  b'), 'a\nb');
    assert.equal(decodeIndented("\n  ''$x\n    y\n"), '$x\n  y\n');
    assert.equal(decodeIndented('  a\n b'), ' a\nb');
  });
});
