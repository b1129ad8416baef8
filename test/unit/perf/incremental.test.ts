import assert from 'node:assert/strict';
import { locate } from '../../../src/nix/locate.js';
import { BeyondParserLimits, parseNix, type ParsedNix, type TextChange } from '../../../src/nix/parse.js';
import { duplicateAttributes } from '../../../src/nix/duplicates.js';
import { syntaxProblems } from '../../../src/nix/syntaxProblems.js';
import { analyzeNix, type Analysis } from '../../../src/rules/analyze.js';
import { ruleRelevance } from '../../../src/rules/registry.js';
import { errorNodes, newTreeMemo } from '../../../src/nix/treeMemo.js';
import { corpus } from '../../util/corpus.js';
import { generateDarwinConfig, generateShape } from '../../util/generateConfig.js';
import { seededRandom } from '../../util/random.js';
import { duplicateAttributes as duplicatesBefore } from './duplicatesOracle.js';
import { itemAt } from '../../util/itemAt.js';
import { oneSyntaxError } from '../../util/syntaxErrors.js';
import { dump } from '../nix/helpers.js';
import { ChunkedText, type SourceText } from '../../../src/nix/sourceText.js';

/** The analysis of `text`, or the parser's refusal of a text beyond its limits (the server then
 *  reports the file as not checked and parses the next version from scratch). */
function analyzeOrLimit(
  text: SourceText,
  previous?: { parsed: ParsedNix; changes: readonly TextChange[] },
): { analysis: Analysis } | { beyond: string } {
  try {
    return { analysis: analyzeNix(text, {}, previous) };
  } catch (error) {
    if (error instanceof BeyondParserLimits) return { beyond: error.message };
    throw error;
  }
}

/** Typing, deleting and pasting: single characters that matter to Nix, and pieces of the file itself. */
function randomEdit(text: string, next: () => number): { from: number; to: number; insert: string } {
  const pick = <T>(xs: readonly T[]): T => itemAt(xs, Math.floor(next() * xs.length));
  const from = Math.floor(next() * (text.length + 1));
  const kind = next();
  if (kind < 0.45)
    return {
      from,
      to: from,
      insert: pick([
        '#',
        ' ',
        ';',
        '=',
        '{',
        '}',
        '"',
        "'",
        '[',
        ']',
        '(',
        ')',
        'a',
        '.',
        '\n',
        '$',
        '/',
        '1',
        '==',
      ]),
    };
  if (kind < 0.75) return { from, to: Math.min(text.length, from + 1 + Math.floor(next() * 8)), insert: '' };
  const at = Math.floor(next() * text.length);
  return {
    from,
    to: Math.min(text.length, from + Math.floor(next() * 3)),
    insert: text.slice(at, at + 1 + Math.floor(next() * 60)),
  };
}

/**
 * The outermost error nodes as tree.iterate meets them (what the memoised walk must find): Lezer's
 * and the MissingQuote of a string read as unclosed (src/nix/stringBreaks.ts).
 */
function iteratedErrors(parsed: ParsedNix): string[] {
  const found: string[] = [];
  parsed.tree.iterate({
    enter: (node) => {
      if (!node.type.isError && node.name !== 'MissingQuote') return undefined;
      found.push(`${node.from}:${node.to}`);
      return false;
    },
  });
  return found;
}

const sortedDuplicates = (ds: ReturnType<typeof duplicateAttributes>) =>
  ds.map((d) => `${d.span.from}:${d.span.to} ${d.path} ${d.first.from}:${d.first.to}`).sort();

describe('incremental analysis gives what a fresh one gives', function () {
  this.timeout(120_000);
  const texts = corpus();

  it('duplicate attributes: each set reporting its own finds what the one-pass check found', () => {
    for (const { name, text } of texts) {
      const { tree } = parseNix(text);
      assert.deepEqual(
        sortedDuplicates(duplicateAttributes(tree.topNode, text)),
        sortedDuplicates(duplicatesBefore(tree.topNode, text)),
        name,
      );
    }
  });

  it("syntax problems and the rules' locate after random edits equal a fresh parse's", () => {
    const next = seededRandom(7);
    let edits = 0;
    for (const { name, text: start } of texts) {
      if (start.length === 0) continue;
      let parsed: ParsedNix = parseNix(start);
      syntaxProblems(parsed);
      let text = start;
      const rounds = start.length > 2000 ? 12 : 4;
      for (let i = 0; i < rounds; i++) {
        const edit = randomEdit(text, next);
        const changed = text.slice(0, edit.from) + edit.insert + text.slice(edit.to);
        const changes = [
          { fromA: edit.from, toA: edit.to, fromB: edit.from, toB: edit.from + edit.insert.length },
        ];
        parsed = parseNix(changed, { parsed, changes });
        text = changed;
        const fresh = parseNix(text);
        const where = `${name}, edit ${i} ${JSON.stringify(edit)}`;
        assert.equal(parsed.hasErrors, fresh.hasErrors, where);
        assert.deepEqual(
          errorNodes(parsed.tree, parsed.memo ?? newTreeMemo()).outermost.map((n) => `${n.from}:${n.to}`),
          iteratedErrors(fresh),
          where,
        );
        assert.deepEqual(syntaxProblems(parsed), syntaxProblems(fresh), where);
        // Both locates keep per-subtree results across the edits (locateMemo.ts): each must equal
        // a fresh one, the rules' and the full one (hover, completion).
        assert.deepEqual(
          locate(parsed, { only: ruleRelevance }),
          locate(fresh, { only: ruleRelevance }),
          where,
        );
        assert.deepEqual(locate(parsed), locate(fresh), where);
        edits++;
      }
    }
    assert.ok(edits > 100, `only ${edits} edits were tried`);
  });

  it('analyzeNix while typing in a generated config equals a fresh analysis at every keystroke', () => {
    let text = generateDarwinConfig(1500, 4);
    let analysis: Analysis = analyzeNix(text);
    const next = seededRandom(11);
    for (let i = 0; i < 60; i++) {
      const edit = randomEdit(text, next);
      const changed = text.slice(0, edit.from) + edit.insert + text.slice(edit.to);
      analysis = analyzeNix(
        changed,
        {},
        {
          parsed: analysis.parsed,
          changes: [
            { fromA: edit.from, toA: edit.to, fromB: edit.from, toB: edit.from + edit.insert.length },
          ],
        },
      );
      text = changed;
      const fresh = analyzeNix(text);
      assert.deepEqual(analysis.findings, fresh.findings, `keystroke ${i} ${JSON.stringify(edit)}`);
      assert.deepEqual(locate(analysis.parsed), locate(fresh.parsed), `keystroke ${i}`);
    }
  });

  // Every shape, clean and with a syntax error already in it (the normal state while typing): at
  // each keystroke the incremental analysis (parse, syntax problems, duplicates carried across
  // keystrokes by clashState.ts, the rules' findings) and both locates (the rules' and the full
  // one, memoised per subtree by locateMemo.ts) equal a fresh analysis of the same text, and so
  // does the tree. A text beyond the parser's limits must be so both ways. The incremental side reads
  // the text as the language server does, in pieces (ChunkedText; of 97 characters here, so that
  // pieces end inside tokens, strings and comments), the fresh side as one string.
  const shapes = ['generated', 'nested', 'flat', 'modules'] as const;
  const starts = ['clean', 'missing-semicolon', 'unclosed-string'] as const;
  for (const shape of shapes)
    for (const startWith of starts) {
      if (shape === 'modules' && startWith === 'unclosed-string') continue; // (it has no strings)
      it(`typing in a ${shape} file (${startWith}), read in pieces: every keystroke analyses and locates as a fresh parse of the string would`, () => {
        const lines = startWith === 'clean' ? 2000 : 1200;
        const generated =
          shape === 'generated' ? generateDarwinConfig(lines, 5) : generateShape(shape, lines);
        let text = startWith === 'clean' ? generated : oneSyntaxError(generated, startWith).text;
        const next = seededRandom(shape.length * 10 + startWith.length);
        let chunked = ChunkedText.from(text, 97);
        let outcome = analyzeOrLimit(chunked);
        if ('analysis' in outcome) {
          locate(outcome.analysis.parsed);
          assert.equal(outcome.analysis.parsed.hasErrors, startWith !== 'clean', 'the error is there');
        }
        let clashes = 0;
        let broken = 0;
        let cursor = text.indexOf('\n', text.length >> 1) + 1;
        for (let i = 0; i < 30; i++) {
          // Mostly typing where the user is (a run of keystrokes), now and then somewhere else.
          const edit =
            next() < 0.7
              ? next() < 0.8
                ? {
                    from: cursor,
                    to: cursor,
                    insert: itemAt(['a', ' ', '#', ';', '"', '=', '{', '}'], Math.floor(next() * 8)),
                  }
                : { from: Math.max(0, cursor - 1), to: cursor, insert: '' }
              : randomEdit(text, next);
          const changed = text.slice(0, edit.from) + edit.insert + text.slice(edit.to);
          const change = {
            fromA: edit.from,
            toA: edit.to,
            fromB: edit.from,
            toB: edit.from + edit.insert.length,
          };
          chunked = chunked.replace(edit.from, edit.to, edit.insert);
          const incremental = analyzeOrLimit(
            chunked,
            'analysis' in outcome ? { parsed: outcome.analysis.parsed, changes: [change] } : undefined,
          );
          text = changed;
          cursor = change.toB;
          const fresh = analyzeOrLimit(text);
          const where = `${shape} (${startWith}), keystroke ${i} ${JSON.stringify(edit)}`;
          if ('beyond' in fresh || 'beyond' in incremental) {
            assert.deepEqual(incremental, fresh, where);
            outcome = incremental;
            continue;
          }
          const [a, b] = [incremental.analysis, fresh.analysis];
          assert.equal(dump(a.parsed), dump(b.parsed), where);
          assert.deepEqual(a.findings, b.findings, where);
          assert.deepEqual(a.facts, b.facts, where);
          assert.deepEqual(
            locate(a.parsed, { only: ruleRelevance }),
            locate(b.parsed, { only: ruleRelevance }),
            where,
          );
          assert.deepEqual(locate(a.parsed), locate(b.parsed), where);
          if (b.findings.some((f) => f.message.includes('already defined'))) clashes++;
          if (b.parsed.hasErrors) broken++;
          outcome = incremental;
        }
        assert.ok(shape !== 'flat' || startWith !== 'clean' || clashes > 0, `${shape}: no edit made a clash`);
        assert.ok(broken > 0, `${shape} (${startWith}): no keystroke left a syntax error`);
      });
    }
});
