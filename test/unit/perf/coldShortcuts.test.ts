/**
 * The shortcuts of a cold analysis (issue 8, goal 6) against the slow ways they replace, on the
 * grammar proof's corpus (the snippets Nix decided on, the examples and fixtures, generated
 * configurations of every shape, and broken variants of one): the syntax-problem walk that skips
 * subtrees without anything to check finds what a walk of every node finds, and a binding's key
 * and first names (duplicates.ts, locate.ts) read straight from its tree buffer are the ones its
 * cursor reads.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IterMode, type Tree } from '@lezer/common';
import {
  bufferedBindingKey,
  checkedDuplicates,
  clashRole,
  cursorItemKeys,
  mayClashAt,
} from '../../../src/nix/duplicates.js';
import type { TreeCursor } from '@lezer/common';
import { bufferedFirstNames, cursorFirstNames } from '../../../src/nix/bufferedNames.js';
import { parseNix, type ParsedNix } from '../../../src/nix/parse.js';
import { locate } from '../../../src/nix/locate.js';
import { syntaxProblems } from '../../../src/nix/syntaxProblems.js';
import { newTreeMemo } from '../../../src/nix/treeMemo.js';
import { generateDarwinConfig, generateShape } from '../../util/generateConfig.js';
import { examplesDir, fixturesDir } from '../../util/paths.js';
import { snippets } from '../nix/snippets.js';

function nixFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => f.endsWith('.nix') && statSync(f).isFile());
}

/** Deletions and stray tokens in a generated configuration (as the grammar proof makes them). */
function brokenVariants(count: number): string[] {
  const base = generateDarwinConfig(150, 5);
  const pieces = [';', '{', '}', '"', "''", '${', '(', ')', '[', ']', '=', '.', '/', ':', 'in', '#', '-'];
  let seed = 11;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  return Array.from({ length: count }, (_, i) => {
    const at = rnd(base.length);
    return i % 2 === 0
      ? base.slice(0, at) + base.slice(at + 1 + rnd(3))
      : base.slice(0, at) + (pieces[rnd(pieces.length)] ?? ';') + base.slice(at);
  });
}

const corpus = (): { name: string; text: string }[] => [
  ...snippets.map((s, i) => ({ name: `snippet ${i}: ${s.text.slice(0, 40)}`, text: s.text })),
  ...[...nixFilesUnder(examplesDir), ...nixFilesUnder(fixturesDir)].map((file) => ({
    name: file,
    text: readFileSync(file, 'utf8'),
  })),
  ...[200, 3000].map((lines, i) => ({
    name: `generated ${lines}`,
    text: generateDarwinConfig(lines, i + 1),
  })),
  ...(['nested', 'flat', 'modules'] as const).map((shape) => ({
    name: `generated ${shape}`,
    text: generateShape(shape, 2000),
  })),
  // Duplicates and the Nix-only checks in sets big enough to be kept as balanced subtrees.
  {
    name: 'big set with clashes',
    text: `{\n${Array.from({ length: 3000 }, (_, i) => `  a${i % 2900}.b${i} = ${i % 7 === 0 ? '1 == 2 == 3' : i};\n`).join('')}  x = 99999999999999999999;\n  y = ./a/;\n  inherit (z) ${'${"q"}'};\n}\n`,
  },
  // Quoted names: escapes, interpolations, empty, dots inside; clashes between spellings of one name.
  {
    name: 'quoted names',
    text: String.raw`{ x, y }: {
  "a" = 1; a = 2; "\a" = 3; "b
c".d = 4; "b
c" = { e = 5; }; "f\${x}" = 6; "g\$\{" = 7;
  ${'${"h"}'} = 8; h = 9; "" = 10; "i.j" = 11; i.j = 12; "k"l" = 13; "k"l".m = 14;
  "n${'${x}'}o" = 15; "n${'${x}'}o" = 16; p."q" = 17; "p".q = 18; r."s	t" = 19; r.${'"s\tt"'} = 20;
  u = { "v" = 1; "v" = 2; "w\" = 3; }; "x
y"."z" = 21;
}`,
  },
  // One clash among thousands of bindings (kept as balanced runs): a name defined twice, a name
  // also written as the start of a dotted path.
  ...[' k7 = 0;', ' k7.x = 1;'].map((clash) => ({
    name: `big set with${clash}`,
    text: `{\n${Array.from({ length: 3000 }, (_, i) => `  k${i} = ${i};\n`).join('')}${clash}\n}\n`,
  })),
  // Clashes of every shape in small sets (read from their tree buffers), in `let`s, and in sets
  // whose bindings are too big for a buffer; and sets that look close to one but do not clash.
  {
    name: 'clash shapes',
    text: String.raw`{
  s1 = { a = 1; a = 2; };
  s2 = { a.b = 1; a = 2; };
  s3 = { a = 1; a.b = 2; };
  s4 = { a.b.c = 1; a.b = { }; };
  s5 = { inherit a; a.b = 1; };
  s6 = { inherit (x) a b; b = 1; };
  s7 = { "a".b = 1; a.b.c = 2; };
  s8 = { a."b c" = 1; a."b c".d = 2; };
  s9 = let a = 1; a = 2; in a;
  s10 = let a.b = 1; a.c = 2; a = 3; in a;
  s11 = rec { a = { x = 1; }; a = { x = 2; }; };
  s12 = { "A" = 1; "\u0041" = 2; A = 3; };
  ok1 = { ab = 1; a.b = 2; a-b = 3; "a b" = 4; a' = 5; };
  ok2 = { a.b = 1; a.c = 2; b.a = 3; "a.b" = 4; };
  ok3 = let inherit (x) a b; c.d = 1; c.e = 2; in c;
  big1 = { a.b = [ ${'1 '.repeat(800)}]; a = 2; };
  big2 = { a = [ ${'1 '.repeat(800)}]; b.c = [ ${'2 '.repeat(800)}]; b.c.d = 3; };
  big3 = { a = [ ${'1 '.repeat(800)}]; b = [ ${'2 '.repeat(800)}]; c = 3; };
}
`,
  },
  ...brokenVariants(60).map((text, i) => ({ name: `broken variant ${i}`, text })),
];

/** The corpus's texts with their parses (a text beyond the parser's limits has none to read). */
function* parsedCorpus(): Generator<{ name: string; text: string; tree: Tree; parsed: ParsedNix<string> }> {
  for (const { name, text } of corpus()) {
    let parsed: ParsedNix<string>;
    try {
      parsed = parseNix(text);
    } catch {
      continue;
    }
    yield { name, text, tree: parsed.tree, parsed };
  }
}

describe('cold analysis shortcuts agree with the slow ways', function () {
  this.timeout(120_000);

  it('the walk that skips subtrees without anything to check finds what a walk of every node finds', () => {
    let withProblems = 0;
    for (const { name, parsed } of parsedCorpus()) {
      const fast = syntaxProblems(parsed);
      const slow = syntaxProblems({ ...parsed, memo: newTreeMemo() }, { everyNode: true });
      assert.deepEqual(fast, slow, name);
      if (fast.length > 0) withProblems++;
    }
    // (Not a vacuous agreement: many of them have problems to find.)
    assert.ok(withProblems > 40, `only ${withProblems} texts with problems`);
  });

  it("a binding's key read from its tree buffer is the key its cursor reads", () => {
    let read = 0;
    for (const { name, text, tree } of parsedCorpus()) {
      const cursor = tree.cursor(IterMode.IncludeAnonymous);
      do {
        if (cursor.name !== 'Binding') continue;
        const raw = bufferedBindingKey(cursor, text);
        if (raw === undefined) continue;
        const keys: string[] = [];
        const at = `${name} at ${cursor.from}`;
        assert.equal(cursorItemKeys(cursor, text, keys), false, at);
        assert.deepEqual(keys, raw ? [raw] : [], at);
        assert.equal(cursor.name, 'Binding', `${at}: the cursor was moved`);
        read++;
      } while (cursor.next());
    }
    assert.ok(read > 10_000, `only ${read} bindings read from their buffers`);
  });

  it("a binding's first names read from its tree buffer are the names its cursor reads", () => {
    let read = 0;
    for (const { name, text, tree } of parsedCorpus()) {
      // (locate reads them with both kinds of cursor.)
      for (const mode of [IterMode.IncludeAnonymous, 0 as IterMode]) {
        const cursor = tree.cursor(mode);
        do {
          if (cursor.name !== 'Binding') continue;
          for (const count of [1, 2, 9]) {
            const raw = bufferedFirstNames(cursor, text, count);
            if (raw === undefined) continue;
            const at = `${name} at ${cursor.from}, ${count} names`;
            assert.deepEqual(raw, cursorFirstNames(cursor, text, count), at);
            assert.equal(cursor.name, 'Binding', `${at}: the cursor was moved`);
            read++;
          }
        } while (cursor.next());
      }
    }
    assert.ok(read > 10_000, `only ${read} bindings read from their buffers`);
  });

  it("a parse located once, without a memo (check's), locates what a document's parse does", () => {
    let systems = 0;
    let skipped = 0;
    for (const { name, text, parsed } of parsedCorpus()) {
      const once = locate({ text, tree: parsed.tree, fragments: [] });
      assert.deepEqual(once, locate(parsed), name);
      systems += once.systems.length;
      if (!text.includes('darwin') && !text.includes('nixosSystem')) skipped++;
    }
    // Not vacuous: hosts found in the flakes, and texts whose scan is skipped.
    assert.ok(systems > 10, `only ${systems} system calls`);
    assert.ok(skipped > 100, `only ${skipped} texts skipped`);
  });

  it('the quick clash test, on hashes or on keys, passes every set whose clash the full check finds', () => {
    let sets = 0;
    let clashing = 0;
    let ruledOut = 0;
    let hashCollisions = 0;
    for (const { name, text, tree } of parsedCorpus()) {
      const cursor = tree.cursor(IterMode.IncludeAnonymous);
      do {
        if (cursor.name !== 'AttrSet' && cursor.name !== 'LetSet' && cursor.name !== 'Let') continue;
        const at = `${name} at ${cursor.from}`;
        const quick = mayClashAt(cursor, text);
        assert.ok(['AttrSet', 'LetSet', 'Let'].includes(cursor.name), `${at}: the cursor was moved`);
        const exact = keyedClash(cursor, text);
        const found = checkedDuplicates(cursor.node, text).length > 0;
        // The keys' own test never misses a clash; the quick one passes every set the keys do.
        if (found) assert.ok(exact, `${at}: the keys miss a clash`);
        if (exact) assert.ok(quick, `${at}: the quick test misses what the keys find`);
        else if (quick) hashCollisions++;
        sets++;
        if (found) clashing++;
        if (!quick) ruledOut++;
      } while (cursor.next());
    }
    // Not vacuous: clashes of every kind in the corpus, and most sets ruled out without the full check.
    assert.ok(clashing > 20, `only ${clashing} sets with a clash`);
    assert.ok(ruledOut > sets / 2, `only ${ruledOut} of ${sets} sets ruled out`);
    // (Deterministic: 32-bit hashes of these few keys do not collide, so a pass without a clash is a bug.)
    assert.equal(hashCollisions, 0, `${hashCollisions} sets passed without a clash`);
  });
});

/**
 * The keys' clash test (mayClashAt without its hashes), from each item's keys as cursorItemKeys
 * reads them: two equal keys, or one a proper prefix of another, or an item it cannot read.
 */
function keyedClash(set: TreeCursor, text: string): boolean {
  const keys: string[] = [];
  let unsure = false;
  const collect = (cursor: TreeCursor): void => {
    if (!cursor.firstChild()) return;
    do {
      const role = clashRole(cursor.type.id);
      if (role === 'run') collect(cursor);
      else if (role === 'item' && cursorItemKeys(cursor, text, keys)) unsure = true;
    } while (cursor.nextSibling());
    cursor.parent();
  };
  collect(set);
  if (unsure) return true;
  return keys.some((key, i) => keys.some((other, j) => i !== j && other.startsWith(key)));
}
