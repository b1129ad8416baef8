/**
 * Keystrokes while the file has one syntax error (issue 8, goal 2): the incremental parse must
 * still equal a fresh one at every keystroke (the oracle), and must reuse what the error did not
 * shape. With a mistyped `in` the `let` runs to the end of the file; excluding its whole
 * neighbours from reuse made every keystroke re-parse everything after the error.
 */
import assert from 'node:assert/strict';
import { Tree } from '@lezer/common';
import { parseNix, type ParsedNix, type TextChange } from '../../../src/nix/parse.js';
import { ChunkedText } from '../../../src/nix/sourceText.js';
import { analyzeNix, type Analysis } from '../../../src/rules/analyze.js';
import { generateDarwinConfig } from '../../util/generateConfig.js';
import { dump } from '../nix/helpers.js';
import { oneSyntaxError, type SyntaxErrorKind } from '../../util/syntaxErrors.js';
import { seededRandom } from '../../util/random.js';
import { itemAt } from '../../util/itemAt.js';

/** `text` with [from, to) replaced by `insert`, and that edit as the parser's change. */
function applyEdit(
  text: string,
  edit: { from: number; to: number; insert: string },
): { text: string; change: TextChange } {
  return {
    text: text.slice(0, edit.from) + edit.insert + text.slice(edit.to),
    change: { fromA: edit.from, toA: edit.to, fromB: edit.from, toB: edit.from + edit.insert.length },
  };
}

function pieces(tree: Tree): Set<object> {
  const out = new Set<object>();
  const stack: Tree[] = [tree];
  for (let t = stack.pop(); t; t = stack.pop())
    for (const child of t.children) {
      out.add(child);
      if (child instanceof Tree) stack.push(child);
    }
  return out;
}

/** The characters of `tree` inside subtrees taken over from the previous tree (`old`). */
function reusedLength(tree: Tree, old: Set<object>): number {
  let total = 0;
  const stack: Tree[] = [tree];
  for (let t = stack.pop(); t; t = stack.pop())
    for (const child of t.children) {
      if (old.has(child)) total += child.length;
      else if (child instanceof Tree) stack.push(child);
    }
  return total;
}

const KINDS: SyntaxErrorKind[] = ['unclosed-string', 'mistyped-in', 'missing-semicolon'];
/** What the random typing inserts: single characters that matter to Nix, and keywords. */
const TYPED = ['"', '{', '}', ';', '=', ' ', 'a', '#', '\n', 'in ', 'let ', "''", '['] as const;

/** A 3,000-line config with one error, and a space typed at a line start halfway between the error and the end. */
function spaceTypedAfterError(kind: 'mistyped-in' | 'unclosed-string'): {
  parsed: ParsedNix;
  next: string;
  incremental: ParsedNix;
} {
  const { text, at } = oneSyntaxError(generateDarwinConfig(3000, 7), kind);
  const parsed = parseNix(text);
  const offset = text.indexOf('\n', at + ((text.length - at) >> 1)) + 1;
  const next = `${text.slice(0, offset)} ${text.slice(offset)}`;
  const incremental = parseNix(next, {
    parsed,
    changes: [{ fromA: offset, toA: offset, fromB: offset, toB: offset + 1 }],
  });
  return { parsed, next, incremental };
}

describe('keystrokes in a file with one syntax error', function () {
  this.timeout(180_000);

  for (const kind of KINDS) {
    it(`${kind}: every keystroke before and after the error parses and analyses as a fresh parse would`, () => {
      const { text: start, at: errorAt } = oneSyntaxError(generateDarwinConfig(1500, 6), kind);
      let text = start;
      let analysis: Analysis = analyzeNix(text);
      assert.equal(analysis.parsed.hasErrors, true, 'the error is there');
      // Type a few characters well before the error, then after it.
      const places = [
        text.indexOf('\n', errorAt >> 1) + 1,
        text.indexOf('\n', errorAt + ((text.length - errorAt) >> 1)) + 1,
      ];
      for (const place of places) {
        let offset = place + (place < errorAt ? 0 : text.length - start.length);
        for (let i = 0; i < 12; i++) {
          const insert = i % 3 === 0 ? '#' : i % 3 === 1 ? ' ' : 'x';
          const changed = text.slice(0, offset) + insert + text.slice(offset);
          analysis = analyzeNix(
            changed,
            {},
            {
              parsed: analysis.parsed,
              changes: [{ fromA: offset, toA: offset, fromB: offset, toB: offset + 1 }],
            },
          );
          text = changed;
          const fresh = analyzeNix(text);
          const where = `${kind}, keystroke ${i} at ${offset}`;
          assert.equal(dump(analysis.parsed), dump(fresh.parsed), where);
          assert.deepEqual(analysis.findings, fresh.findings, where);
          offset++;
        }
      }
    });
  }

  // Typing at random places before, inside and after each error, at several seeds: runs of
  // keystrokes that matter to Nix (quotes, braces, `;`, `in`, deletions), each checked against a
  // fresh parse and analysis. Inside means within a line of the error, where Lezer's recovery
  // reads (parseWithinLimits.ts says why nothing reused there can change it).
  for (const kind of KINDS)
    for (const seed of [1, 2, 3])
      it(`${kind}, seed ${seed}: typing before, at and after the error analyses as a fresh parse would`, () => {
        const next = seededRandom(seed * 31 + kind.length);
        const { text: start, at: errorAt } = oneSyntaxError(generateDarwinConfig(700, seed), kind);
        let text = start;
        let analysis: Analysis = analyzeNix(text);
        let errorNow = errorAt;
        const pick = (from: number, to: number): number => from + Math.floor(next() * (to - from));
        for (const where of ['before', 'inside', 'after'] as const) {
          let offset =
            where === 'before'
              ? pick(0, errorNow)
              : where === 'inside'
                ? pick(Math.max(0, errorNow - 40), Math.min(text.length, errorNow + 40))
                : pick(errorNow, text.length);
          for (let i = 0; i < 8; i++) {
            const r = next();
            const edit =
              r < 0.2 && offset > 0
                ? { from: offset - 1, to: offset, insert: '' }
                : { from: offset, to: offset, insert: itemAt(TYPED, Math.floor(next() * TYPED.length)) };
            let change: TextChange;
            ({ text, change } = applyEdit(text, edit));
            analysis = analyzeNix(text, {}, { parsed: analysis.parsed, changes: [change] });
            const fresh = analyzeNix(text);
            const here = `${kind}, seed ${seed}, ${where}, keystroke ${i} ${JSON.stringify(edit)}`;
            assert.equal(dump(analysis.parsed), dump(fresh.parsed), here);
            assert.deepEqual(analysis.findings, fresh.findings, here);
            const delta = edit.insert.length - (edit.to - edit.from);
            if (edit.from < errorNow) errorNow += delta;
            offset = change.toB;
          }
        }
      });

  it('after a mistyped `in`, a keystroke re-parses a bounded stretch, not the rest of the file', () => {
    // With `let … inn` the let runs to the end of the file. Excluding its whole neighbours from
    // reuse re-parsed everything after the error on every keystroke (26x a clean keystroke).
    const { parsed, next, incremental } = spaceTypedAfterError('mistyped-in');
    assert.equal(dump(incremental), dump(parseNix(next)));
    const reread = next.length - reusedLength(incremental.tree, pieces(parsed.tree));
    assert.ok(reread < 20_000, `${reread} of ${next.length} characters parsed again`);
  });

  // What Lezer built while recovering is never reused, nor is any node packed in a TreeBuffer with
  // it: with Lezer's 1,024-character buffers each keystroke re-parsed ~1,500 characters around the
  // error and ~2,000 at the end of the file, where the `let` of a mistyped `in` ends (4,701 in all
  // here, against 1,911 in the clean file). A document with an error is re-parsed with small
  // buffers (parser.ts), so from its second keystroke on the stretches around the error are short.
  it('from the second keystroke on, a file with an error re-parses no more than the clean file', () => {
    const base = generateDarwinConfig(3000, 7);
    /** Characters re-parsed by each of 5 spaces typed at a line start two thirds into `text`. */
    const rereads = (start: string): number[] => {
      let text = start;
      let parsed = parseNix(text);
      const at = text.indexOf('\n', Math.floor((text.length * 2) / 3)) + 1;
      const out: number[] = [];
      for (let i = 0; i < 5; i++) {
        const next = `${text.slice(0, at + i)} ${text.slice(at + i)}`;
        const change = { fromA: at + i, toA: at + i, fromB: at + i, toB: at + i + 1 };
        const incremental = parseNix(next, { parsed, changes: [change] });
        assert.equal(dump(incremental), dump(parseNix(next)), `keystroke ${i}`);
        out.push(next.length - reusedLength(incremental.tree, pieces(parsed.tree)));
        parsed = incremental;
        text = next;
      }
      return out;
    };
    const clean = Math.min(...rereads(base));
    for (const kind of ['mistyped-in', 'missing-semicolon'] as const) {
      const [, ...later] = rereads(oneSyntaxError(base, kind).text);
      for (const reread of later)
        assert.ok(reread <= clean, `${kind}: ${reread} characters parsed again, ${clean} in the clean file`);
    }
  });

  for (const kind of ['mistyped-in', 'unclosed-string'] as const)
    it(`${kind}: a keystroke after the error reuses the bindings the error did not shape`, () => {
      const { parsed, next, incremental } = spaceTypedAfterError(kind);
      assert.equal(dump(incremental), dump(parseNix(next)));
      // Reused subtrees are the very same objects; before, nothing after the error was reused (an
      // unclosed string turned every later string into code and the rest of the file into errors).
      const old = pieces(parsed.tree);
      const reusedAfterError = [...pieces(incremental.tree)].filter((p) => old.has(p)).length;
      assert.ok(reusedAfterError > 100, `only ${reusedAfterError} pieces reused`);
    });

  // parse.ts hands the last parse's string breaks (stringBreaks.ts) on when every edit lies after
  // what the search for them depended on (`dependsTo`): edits just before, at and after that bound,
  // at the error, one that closes the string, and new errors after the decision (a quote, an
  // unclosed brace) must each parse, and decide the breaks, as a fresh parse does.
  for (const kind of KINDS) {
    it(`${kind}: the string breaks are carried over only where the edit leaves their search alone`, () => {
      const { text: start, at } = oneSyntaxError(generateDarwinConfig(700, 4), kind);
      // (An open document's first parse, as the language server makes it. A plain string parsed
      // from scratch is read in one chunk and hands no decision on: see the next test.)
      const first = parseNix(ChunkedText.from(start));
      const bound = first.breaks?.dependsTo ?? Infinity;
      assert.ok(bound > at && bound < start.length, `the search depended on ${bound} of ${start.length}`);
      const far = start.indexOf('\n', bound + ((start.length - bound) >> 1)) + 1;
      // A string far after it left unclosed, which a break mends, and closed again.
      const quote = start.indexOf('";\n', far);
      const edits: { from: number; to: number; insert: string }[] = [
        { from: quote, to: quote + 1, insert: '' },
        { from: quote, to: quote, insert: '"' },
        { from: far, to: far, insert: '#' },
        { from: far, to: far, insert: '"' },
        { from: far, to: far + 1, insert: '' },
        { from: at, to: at, insert: kind === 'unclosed-string' ? '"' : kind === 'mistyped-in' ? ' ' : ';' },
        { from: far, to: far, insert: '#' },
        { from: at, to: at + 1, insert: '' },
        { from: bound + 1, to: bound + 1, insert: ' ' },
        { from: bound, to: bound, insert: '"' },
        { from: bound - 1, to: bound, insert: '' },
        { from: far, to: far, insert: '"' },
        { from: far, to: far + 1, insert: '' },
        { from: far, to: far, insert: '{ ' },
        { from: far, to: far, insert: ' ' },
      ];
      let text = start;
      let parsed: ParsedNix = first;
      let carried = 0;
      for (const [i, edit] of edits.entries()) {
        const before = parsed.breaks;
        let change: TextChange;
        ({ text, change } = applyEdit(text, edit));
        parsed = parseNix(text, { parsed, changes: [change] });
        const fresh = parseNix(text);
        const where = `${kind}, edit ${i} ${JSON.stringify(edit)} (search depended on ${before?.dependsTo})`;
        assert.equal(dump(parsed), dump(fresh), where);
        assert.deepEqual(parsed.breaks?.breaks, fresh.breaks?.breaks, where);
        assert.equal(parsed.breaks?.stopAt, fresh.breaks?.stopAt, where);
        if (before && edit.from >= before.dependsTo && (before.breaks.length > 0 || before.stopAt !== null))
          carried++;
      }
      assert.ok(carried >= 4, `the breaks were carried over ${carried} times`);
    });

    it(`${kind}: a plain string parsed from scratch hands no decision on, and the next keystroke searches again`, () => {
      const { text: start, at } = oneSyntaxError(generateDarwinConfig(700, 4), kind);
      const first = parseNix(start);
      assert.ok((first.breaks?.dependsTo ?? 0) > start.length, `it depended on ${first.breaks?.dependsTo}`);
      // A keystroke far after the error, which a carried decision would have served.
      const far = start.indexOf('\n', at + ((start.length - at) >> 1)) + 1;
      const { text, change } = applyEdit(start, { from: far, to: far, insert: ' ' });
      const next = parseNix(text, { parsed: first, changes: [change] });
      const fresh = parseNix(text);
      assert.equal(dump(next), dump(fresh));
      assert.deepEqual(next.breaks?.breaks, fresh.breaks?.breaks);
      assert.equal(next.breaks?.stopAt, fresh.breaks?.stopAt);
    });
  }

  it('typing a string value character by character: every keystroke parses and analyses as a fresh parse would', () => {
    // Each prefix of the typed binding is a file with an unclosed string (or a missing `;`), as
    // while typing; the string's quote flips every later string until it is closed.
    const base = generateDarwinConfig(800, 5);
    const at = base.indexOf('\n  nix.buildMachines') + 1;
    const typed = '  networking.hostName = "builder; a\\"b";\n';
    let text = base;
    let analysis: Analysis = analyzeNix(text);
    for (let i = 0; i < typed.length; i++) {
      const offset = at + i;
      text = text.slice(0, offset) + typed.charAt(i) + text.slice(offset);
      analysis = analyzeNix(
        text,
        {},
        {
          parsed: analysis.parsed,
          changes: [{ fromA: offset, toA: offset, fromB: offset, toB: offset + 1 }],
        },
      );
      const fresh = analyzeNix(text);
      const where = `after typing ${JSON.stringify(typed.slice(0, i + 1))}`;
      assert.equal(dump(analysis.parsed), dump(fresh.parsed), where);
      assert.deepEqual(analysis.findings, fresh.findings, where);
    }
    assert.equal(analysis.parsed.hasErrors, false, 'the finished binding parses');
  });
});
