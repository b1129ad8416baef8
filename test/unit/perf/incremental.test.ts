import assert from 'node:assert/strict';
import { locate } from '../../../src/nix/locate.js';
import { parseNix, type ParsedNix } from '../../../src/nix/parse.js';
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
      assert.deepEqual({ ...analysis.located }, { ...fresh.located }, `keystroke ${i}`);
    }
  });

  for (const shape of ['generated', 'flat'] as const) {
    it(`the rules' and the full locate after each keystroke in a ${shape} file equal a fresh parse's`, () => {
      let text = shape === 'generated' ? generateDarwinConfig(3000, 5) : generateShape(shape, 3000);
      let parsed = parseNix(text);
      locate(parsed, { only: ruleRelevance });
      locate(parsed);
      const next = seededRandom(shape.length);
      let clashes = 0;
      syntaxProblems(parsed);
      for (let i = 0; i < 40; i++) {
        // Mostly typing where the user is (a run of keystrokes), now and then somewhere else.
        const edit = randomEdit(text, next);
        const changed = text.slice(0, edit.from) + edit.insert + text.slice(edit.to);
        parsed = parseNix(changed, {
          parsed,
          changes: [
            { fromA: edit.from, toA: edit.to, fromB: edit.from, toB: edit.from + edit.insert.length },
          ],
        });
        text = changed;
        const fresh = parseNix(text);
        const where = `${shape}, keystroke ${i} ${JSON.stringify(edit)}`;
        assert.deepEqual(
          locate(parsed, { only: ruleRelevance }),
          locate(fresh, { only: ruleRelevance }),
          where,
        );
        assert.deepEqual(locate(parsed), locate(fresh), where);
        // A big set's clash test is carried across keystrokes (clashState.ts): its findings, the
        // duplicates (the parser's own messages are the parse's business, checked above).
        const duplicates = (p: ParsedNix) =>
          syntaxProblems(p).filter((problem) => problem.message.includes('already defined'));
        assert.deepEqual(duplicates(parsed), duplicates(fresh), where);
        if (syntaxProblems(fresh).some((p) => p.message.includes('already defined'))) clashes++;
      }
      assert.ok(shape !== 'flat' || clashes > 0, `${shape}: no edit made a clash`);
    });
  }
});
