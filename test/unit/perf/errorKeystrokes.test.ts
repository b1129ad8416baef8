/**
 * Keystrokes while the file has one syntax error (issue 8, goal 2): the incremental parse must
 * still equal a fresh one at every keystroke (the oracle), and must reuse what the error did not
 * shape. With a mistyped `in` the `let` runs to the end of the file; excluding its whole
 * neighbours from reuse made every keystroke re-parse everything after the error.
 */
import assert from 'node:assert/strict';
import { Tree } from '@lezer/common';
import { parseNix, type ParsedNix } from '../../../src/nix/parse.js';
import { analyzeNix, type Analysis } from '../../../src/rules/analyze.js';
import { generateDarwinConfig } from '../../util/generateConfig.js';
import { dump } from '../nix/helpers.js';
import { oneSyntaxError, type SyntaxErrorKind } from '../../util/syntaxErrors.js';

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

const KINDS: SyntaxErrorKind[] = ['unclosed-string', 'mistyped-in', 'missing-semicolon'];

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

  for (const kind of ['mistyped-in', 'unclosed-string'] as const)
    it(`${kind}: a keystroke after the error reuses the bindings the error did not shape`, () => {
      const { text, at } = oneSyntaxError(generateDarwinConfig(3000, 7), kind);
      const parsed: ParsedNix = parseNix(text);
      const offset = text.indexOf('\n', at + ((text.length - at) >> 1)) + 1;
      const next = `${text.slice(0, offset)} ${text.slice(offset)}`;
      const incremental = parseNix(next, {
        parsed,
        changes: [{ fromA: offset, toA: offset, fromB: offset, toB: offset + 1 }],
      });
      assert.equal(dump(incremental), dump(parseNix(next)));
      // Reused subtrees are the very same objects; before, nothing after the error was reused (an
      // unclosed string turned every later string into code and the rest of the file into errors).
      const old = pieces(parsed.tree);
      const reusedAfterError = [...pieces(incremental.tree)].filter((p) => old.has(p)).length;
      assert.ok(reusedAfterError > 100, `only ${reusedAfterError} pieces reused`);
    });

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
