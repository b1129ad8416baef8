import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNix } from '../../../src/nix/parse.js';
import { ownDuplicates } from '../../../src/nix/duplicates.js';
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

describe('syntaxProblems of a long let, keystroke after keystroke', function () {
  this.timeout(60_000);

  /**
   * A `let` long enough to be kept as balanced runs of bindings, with computed names (`${x}`; a
   * constant `${"…"}` is allowed) and names bound twice; `inn` for `in` makes it run to the end of
   * the file, the shape a mistyped `in` gives (bench/hostile.ts benchErrorKeystrokes).
   */
  const longLet = (keyword: 'in' | 'inn'): string =>
    `x: let\n${Array.from({ length: 3000 }, (_, i) =>
      i % 500 === 7
        ? `  \${x} = ${i};\n`
        : i % 500 === 9
          ? `  \${"c${i}"} = ${i};\n`
          : `  a${i % 2950}.b${(i % 2950) % 3} = ${i};\n`,
    ).join('')}${keyword} {\n  y = 1;\n}\n`;

  /** What the walk reports for a `let`, read the plain way: every Binding through SyntaxNode, ownDuplicates. */
  function letProblemsByHand(text: string): { computed: number[]; duplicates: number[] } {
    const parsed = parseNix(text);
    const computed: number[] = [];
    const duplicates: number[] = [];
    parsed.tree.iterate({
      enter: (ref) => {
        if (ref.name !== 'Let') return;
        for (const binding of ref.node.getChildren('Binding')) {
          const first = binding.getChild('AttrPath')?.firstChild;
          if (first?.name === 'Interpolation' && first.firstChild?.nextSibling?.name !== 'String')
            computed.push(first.from);
        }
        for (const d of ownDuplicates(ref.node, text)) duplicates.push(d.span.from);
      },
    });
    return { computed, duplicates };
  }

  for (const keyword of ['in', 'inn'] as const)
    it(`${keyword === 'in' ? 'a long let' : 'a let whose in is mistyped'}: each keystroke finds what a fresh walk and a plain reading find`, () => {
      let text = longLet(keyword);
      let parsed = parseNix(text);
      syntaxProblems(parsed);
      // Typing into a value, making a computed name constant and back, binding a name twice, deleting a line.
      /** The line (with its break) that starts at or after `from`. */
      const lineAfter = (t: string, from: number): { at: number; remove: number } => {
        const at = t.indexOf('\n', from) + 1;
        return { at, remove: t.indexOf('\n', at) + 1 - at };
      };
      const edits: ((t: string) => { at: number; remove: number; insert: string })[] = [
        (t) => ({ at: t.indexOf(' = 1500;'), remove: 0, insert: '1' }),
        (t) => ({ at: t.indexOf('${x} = 2007;') + 2, remove: 1, insert: '"x"' }),
        (t) => ({ at: t.indexOf('${"x"} = 2007;') + 2, remove: 3, insert: 'x' }),
        (t) => ({ at: t.indexOf('  a100.b1 = 100;'), remove: 0, insert: '  a2000.b2 = 0;\n' }),
        (t) => ({ at: t.indexOf('  a2000.b2 = 0;\n'), remove: '  a2000.b2 = 0;\n'.length, insert: '' }),
        (t) => ({ ...lineAfter(t, t.indexOf('  a2900.')), insert: '' }),
        (t) => ({ at: t.indexOf('  a10.b1 = 10;'), remove: 0, insert: '  a10 = 5;\n' }),
      ];
      let checked = 0;
      for (const place of [...edits, ...edits]) {
        const edit = place(text);
        const { at } = edit;
        assert.ok(at > 0 && edit.remove >= 0, `no place for ${JSON.stringify(edit.insert)}`);
        const next = text.slice(0, at) + edit.insert + text.slice(at + edit.remove);
        parsed = parseNix(next, {
          parsed,
          changes: [{ fromA: at, toA: at + edit.remove, fromB: at, toB: at + edit.insert.length }],
        });
        text = next;
        const found = syntaxProblems(parsed);
        assert.deepEqual(
          found,
          syntaxProblems(parseNix(text)),
          `after ${JSON.stringify(edit.insert)} at ${at}`,
        );
        const byHand = letProblemsByHand(text);
        assert.deepEqual(
          found.filter((p) => p.message.includes('computed name')).map((p) => p.span.from),
          byHand.computed,
        );
        assert.deepEqual(
          found.filter((p) => p.message.includes('already defined')).map((p) => p.span.from),
          byHand.duplicates.sort((a, b) => a - b),
        );
        assert.ok(byHand.computed.length >= 5 && byHand.duplicates.length >= 40, 'problems to find');
        checked++;
      }
      assert.equal(checked, 2 * edits.length);
    });
});
