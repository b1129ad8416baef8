import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNix } from '../../../src/nix/parse.js';
import { syntaxProblems, type SyntaxProblem } from '../../../src/nix/syntaxProblems.js';
import { fixturesDir } from '../../util/paths.js';

function problems(text: string): SyntaxProblem[] {
  return syntaxProblems(parseNix(text));
}

function only(text: string): SyntaxProblem {
  const found = problems(text);
  assert.equal(found.length, 1, JSON.stringify(found));
  const [first] = found;
  assert.ok(first);
  return first;
}

describe('syntaxProblems', () => {
  it('reports nothing for valid files', () => {
    for (const file of ['userReport.nix', 'flake.nix', 'explicitModule.nix', 'builderConfig.nix']) {
      assert.deepEqual(problems(readFileSync(join(fixturesDir, 'nix', file), 'utf8')), [], file);
    }
  });

  it('reports a missing semicolon once, at the next binding, saying what is missing', () => {
    const text = '{\n  a = 1\n  b = 2;\n  c = 3;\n}';
    const p = only(text);
    assert.equal(text.slice(p.span.from, p.span.to), '=');
    assert.match(p.message, /";" missing/);
  });

  it('points at an unclosed list when a binding follows its elements', () => {
    const found = problems('{ config, ... }:\n{\n  imports = [ ./a.nix\n  nix.enable = true;\n}');
    assert.match(found[0]?.message ?? '', /is the "]" of the list opened on line 3 missing\?/);
  });

  it('names what is not closed at the end of the file', () => {
    assert.match(
      only('{\n  a = {\n    b = 1;\n  c = 2;\n').message,
      /end of file; the attribute set is not closed: add "}"/,
    );
    assert.match(only('{ a = "x;\n  b = 1;\n}\n').message, /the string is not closed/);
    assert.match(only("{ a = ''x; }").message, /the indented string is not closed/);
    assert.match(only('let a = 1; a').message, /"let" needs "in"/);
    assert.match(only('if a then b').message, /"if" needs "then" and "else"/);
  });

  it('reports a string left unclosed in the middle of a file once, at the string, and reads the rest as written', () => {
    // Without its closing quote, `"x;` runs on to the next `"`, and every later string reads as
    // code: Nix reports the first thing that then does not parse; the editor shows the string.
    for (const [text, unclosed] of [
      ['{\n  a = "x;\n  b = "y";\n  c = { d = "e"; };\n}\n', '"x'],
      ['{\n  a = [ { b = "x; } ];\n  c = "y";\n}\n', '"x'],
    ] as const) {
      const parsed = parseNix(text);
      const found = syntaxProblems(parsed);
      assert.equal(found.length, 1, `${text}: ${JSON.stringify(found)}`);
      const [problem] = found;
      assert.ok(problem);
      assert.equal(text.slice(problem.span.from, problem.span.to), unclosed, text);
      assert.match(problem.message, /the string is not closed: add a closing double quote here/);
      // The later bindings are read as written (c is a binding, not string content).
      const c = text.indexOf('c = ');
      assert.equal(parsed.tree.resolveInner(c, 1).name, 'AttrName', text);
    }
  });

  it('leaves a string that runs over several lines alone when the file parses', () => {
    const text = '{\n  a = "x;\n  b = ";\n  c = 1;\n}\n';
    assert.deepEqual(problems(text), []);
    assert.equal(parseNix(text).tree.resolveInner(text.indexOf('b = '), 1).name, 'StringContent');
  });

  it('underlines the unexpected token', () => {
    const text = '{ a = 1; b = = 2; }';
    const p = only(text);
    assert.deepEqual(p.span, { from: 13, to: 14 });
    assert.equal(p.message, 'Syntax error: unexpected "="');
  });

  it('explains the empty file', () => {
    assert.match(only('').message, /empty/);
    assert.match(only('# just a comment\n').message, /empty/);
  });

  it('reports what Nix refuses beyond the grammar: chained comparisons, big integers, trailing slashes, computed names', () => {
    assert.match(only('a: a == a == a').message, /cannot be chained/);
    assert.match(only('a: a < a >= a').message, /cannot be chained/);
    assert.deepEqual(problems('a: a < a == a'), []);
    assert.match(only('9223372036854775808').message, /integer too large/);
    assert.deepEqual(problems('9223372036854775807'), []);
    assert.match(only('./keys/').message, /path cannot end with "\/"/);
    assert.match(only('x: ./keys/${x}/').message, /path cannot end with "\/"/);
    assert.match(only('x: { inherit "${x}"; }').message, /"inherit" cannot take a computed name/);
    assert.match(only('x: let ${x} = 1; in 2').message, /"let" cannot bind a computed name/);
    assert.match(only('{ a, b, a }: 1').message, /duplicate function argument "a"/);
  });

  it('reports an attribute defined twice, as Nix does, and allows what Nix merges', () => {
    const text = '{\n  nix.settings = lib.mkIf x { a = 1; };\n  nix.settings.b = 2;\n}';
    const p = only(text);
    assert.equal(text.slice(p.span.from, p.span.to), 'settings');
    assert.match(p.message, /"nix.settings.b" is already defined on line 2/);
    assert.deepEqual(
      problems('{ nix.linux-builder = { enable = true; }; nix.linux-builder.maxJobs = 4; }'),
      [],
    );
    assert.deepEqual(problems('{ a = { b = 1; }; a = { c = 2; }; }'), []);
    assert.equal(problems('{ a = { b = 1; }; a = { b = 2; }; }').length, 1);
    assert.deepEqual(problems('x: { ${x} = 1; ${x} = 2; }'), []);
  });

  it('reports separate mistakes separately and in document order', () => {
    const found = problems('{\n  a = ;\n  b = 1;\n  c = [ 1 2 ;\n  d = 4;\n}');
    assert.ok(found.length >= 2, JSON.stringify(found));
    const froms = found.map((p) => p.span.from);
    assert.deepEqual(
      froms,
      [...froms].sort((x, y) => x - y),
    );
  });
});
