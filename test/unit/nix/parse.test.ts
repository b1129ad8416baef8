import assert from 'node:assert/strict';
import { Tree } from '@lezer/common';
import { parseNix, type ParsedNix, type TextChange } from '../../../src/nix/parse.js';
import { syntaxProblems } from '../../../src/nix/syntaxProblems.js';
import { generateDarwinConfig } from '../../util/generateConfig.js';
import { dump, hasError, shape } from './helpers.js';
import { corpus } from '../../util/corpus.js';
import { damagedVariants } from '../../util/syntaxErrors.js';
import { newTreeMemo, treeHasError } from '../../../src/nix/treeMemo.js';
import { snippets } from './snippets.js';

function pieces(tree: Tree): Set<object> {
  const out = new Set<object>();
  const visit = (t: Tree): void => {
    for (const child of t.children) {
      out.add(child);
      if (child instanceof Tree) visit(child);
    }
  };
  visit(tree);
  return out;
}

const cases: [string, string][] = [
  ['x: x', 'Nix(Lambda(Param Identifier))'],
  [
    '{ a, b ? 1, ... }@args: a',
    'Nix(Lambda(Formals(Formal(Param) Formal(Param Int) Ellipsis) Param Identifier))',
  ],
  ['args@{ a }: a', 'Nix(Lambda(Param Formals(Formal(Param)) Identifier))'],
  ['{ }: 1', 'Nix(Lambda(Formals Int))'],
  ['{ }', 'Nix(AttrSet)'],
  [
    'rec { a = 1; inherit (b) c "d"; }',
    'Nix(AttrSet(Binding(AttrPath(AttrName) Int) Inherit(Identifier AttrName String(StringContent))))',
  ],
  ['let a = 1; in a', 'Nix(Let(Binding(AttrPath(AttrName) Int) Identifier))'],
  ['let { body = 1; }', 'Nix(LetSet(Binding(AttrPath(AttrName) Int)))'],
  ['with a; assert b; c', 'Nix(With(Identifier Assert(Identifier Identifier)))'],
  ['if a then b else c', 'Nix(If(Identifier Identifier Identifier))'],
  [
    'a.b.${c}."d" or e',
    'Nix(Select(Identifier AttrPath(AttrName Interpolation(Identifier) String(StringContent)) Identifier))',
  ],
  ['f a.b c', 'Nix(Apply(Apply(Identifier Select(Identifier AttrPath(AttrName))) Identifier))'],
  ['f or', 'Nix(Apply(Identifier Identifier))'],
  ['a ? b.c', 'Nix(HasAttr(Identifier AttrPath(AttrName AttrName)))'],
  ['-a.b', 'Nix(UnaryExpr(ArithOp Select(Identifier AttrPath(AttrName))))'],
  ['!a + b', 'Nix(UnaryExpr(LogicOp BinaryExpr(Identifier ArithOp Identifier)))'],
  ['a + b * c', 'Nix(BinaryExpr(Identifier ArithOp BinaryExpr(Identifier ArithOp Identifier)))'],
  ['a - b - c', 'Nix(BinaryExpr(BinaryExpr(Identifier ArithOp Identifier) ArithOp Identifier))'],
  ['a // b // c', 'Nix(BinaryExpr(Identifier UpdateOp BinaryExpr(Identifier UpdateOp Identifier)))'],
  ['a ++ b ++ c', 'Nix(BinaryExpr(Identifier ConcatOp BinaryExpr(Identifier ConcatOp Identifier)))'],
  ['a -> b -> c', 'Nix(BinaryExpr(Identifier LogicOp BinaryExpr(Identifier LogicOp Identifier)))'],
  [
    'a || b && c == d',
    'Nix(BinaryExpr(Identifier LogicOp BinaryExpr(Identifier LogicOp BinaryExpr(Identifier CompareOp Identifier))))',
  ],
  // The experimental pipe operators (Nix 2.24+): lowest precedence, |> left- and <| right-associative.
  ['a |> f |> g', 'Nix(BinaryExpr(BinaryExpr(Identifier PipeOp Identifier) PipeOp Identifier))'],
  ['f <| g <| a', 'Nix(BinaryExpr(Identifier PipeOp BinaryExpr(Identifier PipeOp Identifier)))'],
  [
    'a -> b |> f x',
    'Nix(BinaryExpr(BinaryExpr(Identifier LogicOp Identifier) PipeOp Apply(Identifier Identifier)))',
  ],
  ['a/b a / b', 'Nix(BinaryExpr(Apply(Path Identifier) ArithOp Identifier))'],
  [
    '[ 1 1.5 .5e3 "s" ./p ~/h /abs <nixpkgs> https://x.org/y ]',
    'Nix(List(Int Float Float String(StringContent) Path Path Path SearchPath Uri))',
  ],
  ['./a/${b}/c${d}', 'Nix(Path(PathStart Interpolation(Identifier) PathContent Interpolation(Identifier)))'],
  ['"a\\"${b}c"', 'Nix(String(StringContent Interpolation(Identifier) StringContent))'],
  [
    "''a ''${b} ${c} '''x'''\n''",
    'Nix(IndentedString(IndentedContent Interpolation(Identifier) IndentedContent))',
  ],
  ['# c\n/* d */ 1', 'Nix(LineComment BlockComment Int)'],
];

describe('parseNix', function () {
  this.timeout(10_000);
  for (const [text, expected] of cases) {
    it(`reads ${JSON.stringify(text)} as ${expected}`, () => {
      assert.equal(shape(parseNix(text)), expected);
    });
  }

  // parse.ts says a parse from scratch has no error without walking its tree when Lezer never
  // recovered in it and no string break was kept: on every corpus text, clean and damaged in every
  // way Lezer recovers from, that answer is the walk's.
  it('knows whether a tree has an error node without walking it exactly when the walk agrees', function () {
    this.timeout(120_000);
    const clean = corpus().map((c) => c.text);
    const texts = [...clean, ...clean.flatMap(damagedVariants)];
    let broken = 0;
    for (const [i, text] of texts.entries()) {
      const parsed = parseNix(text);
      const walked = treeHasError(parsed.tree, newTreeMemo());
      assert.equal(parsed.hasErrors, walked, `text ${i} of ${texts.length}`);
      if (walked) broken++;
    }
    assert.ok(broken > 500, `${broken} of ${texts.length} texts with an error`);
  });

  it('flags exactly the snippets Nix rejects (table checked against nix-instantiate in grammarProof)', () => {
    const wrong = snippets.filter((s) => (syntaxProblems(parseNix(s.text)).length === 0) !== s.valid);
    assert.deepEqual(
      wrong.map((s) => s.text),
      [],
    );
  });

  it('keeps the bindings after a missing semicolon', () => {
    const parsed = parseNix('{\n  a = 1\n  b = 2;\n  c = 3;\n  d = { e = 4; };\n}');
    assert.ok(hasError(parsed.text));
    const s = shape(parsed);
    assert.match(s, /Binding\(AttrPath\(AttrName\) Int\) Binding\(AttrPath\(AttrName\) AttrSet\(Binding/);
  });

  it('keeps the later bindings when a set is not closed', () => {
    const parsed = parseNix('{\n  a = {\n    b = 1;\n  c = 3;\n  d = "x";\n}');
    const s = shape(parsed);
    assert.ok(s.includes('⚠'));
    assert.equal((s.match(/Binding/g) ?? []).length, 4);
  });

  it('keeps parsing after a bad binding in the middle of a set', () => {
    const parsed = parseNix('{ a = 1; b = = 2; c = 3; d = [ 1 2 ]; }');
    const s = shape(parsed);
    assert.ok(s.includes('⚠'));
    assert.match(s, /Binding\(AttrPath\(AttrName\) List\(Int Int\)\)/);
  });

  it('gives the same tree incrementally as a full parse after random edits', function () {
    this.timeout(20_000);
    let text = generateDarwinConfig(300, 11);
    let parsed = parseNix(text);
    let seed = 3;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const inserts = [' ', 'x', ';', '{', '}', '"', "''", '${', '\n', ' = 1;', 'a.b', '/* c */', '#'];
    for (let i = 0; i < 100; i++) {
      const from = rnd(text.length);
      const to = Math.min(text.length, from + rnd(4));
      const insert = rnd(3) === 0 ? '' : (inserts[rnd(inserts.length)] ?? '');
      const next = text.slice(0, from) + insert + text.slice(to);
      const changes: TextChange[] = [{ fromA: from, toA: to, fromB: from, toB: from + insert.length }];
      const incremental: ParsedNix<string> = parseNix(next, { parsed, changes });
      assert.equal(dump(incremental), dump(parseNix(next)), `edit ${i} at ${from}`);
      text = next;
      parsed = incremental;
    }
  });

  it('reuses unchanged subtrees when re-parsing after an edit', () => {
    const text = generateDarwinConfig(2000, 2);
    const parsed = parseNix(text);
    const at = text.indexOf('maxJobs = 4;') + 'maxJobs = '.length;
    const next = `${text.slice(0, at)}5${text.slice(at + 1)}`;
    const incremental = parseNix(next, {
      parsed,
      changes: [{ fromA: at, toA: at + 1, fromB: at, toB: at + 1 }],
    });
    assert.equal(dump(incremental), dump(parseNix(next)));
    // A reused subtree is the very same object in the old and the new tree.
    const old = pieces(parsed.tree);
    const reused = [...pieces(incremental.tree)].filter((p) => old.has(p));
    assert.ok(reused.length > 10, `only ${reused.length} pieces reused`);
  });

  // How long it takes is the bench's business (npm run bench), not a test's: a timed assertion
  // fails on a loaded machine and proves nothing on an idle one.
  it('parses a 20 000-line configuration without error', () => {
    const parsed = parseNix(generateDarwinConfig(20_000, 9));
    assert.equal(syntaxProblems(parsed).length, 0);
  });
});
