import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { OpenDocument } from '../../../src/server/openDocument.js';
import { seededRandom } from '../../util/random.js';

/**
 * The oracle is the library the server used before OpenDocument: vscode-languageserver-textdocument.
 * Every answer the server reads (text, offsetAt, positionAt, getText of a range) must be the same,
 * positions past a line's end, past the last line and before the first included.
 */
function assertSameAnswers(ours: OpenDocument, theirs: TextDocument, label: string): void {
  const text = theirs.getText();
  assert.equal(ours.getText(), text, `${label}: text`);
  assert.equal(ours.text.length, text.length, `${label}: length`);
  for (let offset = -2; offset <= text.length + 2; offset++)
    assert.deepEqual(ours.positionAt(offset), theirs.positionAt(offset), `${label}: positionAt(${offset})`);
  const lines = theirs.lineCount;
  for (let line = -1; line <= lines + 1; line++)
    for (let character = -1; character <= 12; character++) {
      const position = { line, character };
      assert.equal(
        ours.offsetAt(position),
        theirs.offsetAt(position),
        `${label}: offsetAt(${line}:${character})`,
      );
      const range = { start: { line: Math.max(0, line - 1), character: 2 }, end: position };
      assert.equal(ours.getText(range), theirs.getText(range), `${label}: getText to ${line}:${character}`);
    }
}

describe("OpenDocument (the server's open texts)", () => {
  it('answers as vscode-languageserver-textdocument after 600 random notifications, \\r\\n and lone \\r included (seeded)', () => {
    const seed = Number(process.env.LBD_SEED ?? 20261202);
    const random = seededRandom(seed);
    const alphabet = ['a', 'b', ' ', '\n', '\r', '\r\n', '{', 'é'];
    const word = (n: number): string =>
      Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    const position = (document: TextDocument): { line: number; character: number } => ({
      line: Math.floor(random() * (document.lineCount + 1)),
      character: Math.floor(random() * 8),
    });
    for (let round = 0; round < 6; round++) {
      const start = word(Math.floor(random() * 60));
      let ours = OpenDocument.create('file:///t.nix', 'nix', 1, start);
      let theirs = TextDocument.create('file:///t.nix', 'nix', 1, start);
      for (let step = 0; step < 100; step++) {
        // One to three changes per notification, each in the coordinates of the text before it.
        const changes: TextDocumentContentChangeEvent[] = [];
        let after = theirs;
        for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
          const change: TextDocumentContentChangeEvent =
            random() < 0.03
              ? { text: word(Math.floor(random() * 40)) }
              : {
                  range: { start: position(after), end: position(after) },
                  text: word(Math.floor(random() * 4)),
                };
          changes.push(change);
          after = TextDocument.update(
            TextDocument.create('file:///t.nix', 'nix', 1, after.getText()),
            [change],
            2,
          );
        }
        const seen: number[][] = [];
        ours = ours.update(changes, step + 2, (from, to, length) => seen.push([from, to, length]));
        theirs = TextDocument.update(theirs, changes, step + 2);
        const label = `seed ${seed}, round ${round}, step ${step}`;
        assert.equal(ours.version, step + 2);
        assert.equal(seen.length, changes.length, `${label}: one onChange per change`);
        assertSameAnswers(ours, theirs, label);
      }
    }
  });
});
