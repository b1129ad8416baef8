import assert from 'node:assert/strict';
import { ChunkedText } from '../../../src/nix/sourceText.js';
import { seededRandom } from '../../util/random.js';
import { corpus } from '../../util/corpus.js';
import { locate } from '../../../src/nix/locate.js';
import { analyzeNix } from '../../../src/rules/analyze.js';

/** Every reading of `chunked` the engine makes, against the same reading of the string it stands for. */
function assertReadsAs(chunked: ChunkedText, text: string, random: () => number, label: string): void {
  assert.equal(chunked.length, text.length, `${label}: length`);
  for (let i = -1; i <= text.length; i++)
    assert.deepEqual(chunked.charCodeAt(i), text.charCodeAt(i), `${label}: charCodeAt(${i})`);
  const index = (): number => Math.floor(random() * (text.length + 6)) - 3;
  for (let k = 0; k < 30; k++) {
    const a = index();
    const b = index();
    assert.equal(chunked.slice(a, b), text.slice(a, b), `${label}: slice(${a}, ${b})`);
    assert.equal(chunked.slice(a), text.slice(a), `${label}: slice(${a})`);
    for (const search of ['\n', '\r', 'ab', 'a\nb', '${', 'zzz', '']) {
      assert.equal(
        chunked.indexOf(search, a),
        text.indexOf(search, a),
        `${label}: indexOf(${JSON.stringify(search)}, ${a})`,
      );
      assert.equal(
        chunked.lastIndexOf(search, a),
        text.lastIndexOf(search, a),
        `${label}: lastIndexOf(${JSON.stringify(search)}, ${a})`,
      );
    }
    assert.equal(chunked.lastIndexOf('\n'), text.lastIndexOf('\n'), `${label}: lastIndexOf`);
  }
  assert.equal(chunked.slice(), text);
  assert.equal(chunked.toString(), text);
}

describe("ChunkedText (the server documents' text)", () => {
  it('reads as the string it stands for after 1,500 random edits, over pieces of 1 to 64 characters (seeded)', () => {
    const seed = Number(process.env.LBD_SEED ?? 20261202);
    const random = seededRandom(seed);
    const alphabet = ['a', 'b', '\n', '\r', '$', '{', ' ', 'é', '\u{1F600}'];
    const word = (n: number): string =>
      Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    for (const chunk of [1, 3, 8, 64]) {
      let text = word(Math.floor(random() * 300));
      let chunked = ChunkedText.from(text, chunk);
      assertReadsAs(chunked, text, random, `chunk ${chunk}, start`);
      for (let step = 0; step < 375; step++) {
        const from = Math.floor(random() * (text.length + 1));
        const to = from + Math.floor(random() * Math.min(text.length - from + 1, random() < 0.1 ? 400 : 12));
        const insert = word(random() < 0.1 ? Math.floor(random() * 300) : Math.floor(random() * 4));
        const before = chunked;
        const beforeText = text;
        chunked = chunked.replace(from, to, insert);
        text = text.slice(0, from) + insert + text.slice(to);
        const label = `seed ${seed}, chunk ${chunk}, step ${step}`;
        if (step % 5 === 0) assertReadsAs(chunked, text, random, label);
        else assert.equal(chunked.slice(), text, label);
        // The text before the edit is left as it was (an analysis may still be reading it).
        assert.equal(before.slice(), beforeText, `${label}: the text before`);
      }
    }
  });

  it('keeps its pieces near their size, so an edit copies little whatever the file (16 KiB pieces)', () => {
    const line = '  services.nix-daemon.enable = true;\n';
    let chunked = ChunkedText.from(line.repeat(20_000));
    // A deletion of most of the text, then typing: the pieces stay between a quarter and twice the size.
    chunked = chunked.replace(1_000, chunked.length - 1_000, '');
    for (let i = 0; i < 500; i++) chunked = chunked.replace(1_000 + i, 1_000 + i, 'x');
    chunked = chunked.replace(500, 500, line.repeat(5_000));
    const sizes = (chunked as unknown as { pieces: string[] }).pieces.map((p) => p.length);
    assert.ok(
      sizes.every((size) => size > 0 && size <= 32 * 1024),
      `piece sizes ${sizes.join(', ')}`,
    );
    assert.ok(sizes.filter((size) => size < 4 * 1024).length <= 2, `piece sizes ${sizes.join(', ')}`);
  });
});

describe('the engine reads a ChunkedText as it reads the string', () => {
  it('every corpus text (examples, fixtures, real-world configurations, snippets): the same findings with their fixes, facts and definitions, over pieces of 7 characters', function () {
    this.timeout(120_000);
    let findings = 0;
    for (const { name, text } of corpus()) {
      const whole = analyzeNix(text);
      const pieces = analyzeNix(ChunkedText.from(text, 7));
      assert.deepEqual(pieces.findings, whole.findings, name);
      assert.deepEqual(pieces.facts, whole.facts, name);
      assert.deepEqual(locate(pieces.parsed), locate(whole.parsed), name);
      findings += whole.findings.filter((f) => (f.fixes ?? []).length > 0).length;
    }
    assert.ok(findings >= 40, `only ${findings} findings with fixes were compared`);
  });
});
