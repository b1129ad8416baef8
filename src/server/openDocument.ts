/**
 * An open document's text as the client last sent it: the text in pieces (ChunkedText,
 * nix/sourceText.ts), so that an edit copies the piece it touches and not the whole file, and its
 * line starts (LineIndex, nix/lines.ts), found only as far as asked and carried across edits.
 *
 * It replaces vscode-languageserver-textdocument's TextDocument, whose text is one string: V8
 * copies all of it after every edit (docs/dev/architecture.md#the-text-of-an-open-document). Its
 * answers are that library's, position for position: the test compares the two on random edits
 * (openDocument.test.ts), so the server reads LSP positions as it did with the library.
 */
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { LineIndex } from '../nix/lines.js';
import { ChunkedText } from '../nix/sourceText.js';

interface Position {
  line: number;
  character: number;
}

interface Range {
  start: Position;
  end: Position;
}

const isLineBreak = (code: number): boolean => code === 10 || code === 13;

export class OpenDocument {
  private constructor(
    readonly uri: string,
    readonly languageId: string,
    readonly version: number,
    readonly text: ChunkedText,
    private readonly lines: LineIndex,
  ) {}

  static create(uri: string, languageId: string, version: number, text: string): OpenDocument {
    const chunked = ChunkedText.from(text);
    return new OpenDocument(uri, languageId, version, chunked, new LineIndex(chunked));
  }

  /**
   * The document after `changes`, applied one after another as LSP says (each range is in the
   * text the previous change made); `onChange` hears each one as offsets of the text before it.
   */
  update(
    changes: readonly TextDocumentContentChangeEvent[],
    version: number,
    onChange?: (from: number, to: number, insertedLength: number) => void,
  ): OpenDocument {
    let text = this.text;
    let lines = this.lines;
    for (const change of changes) {
      if (!('range' in change)) {
        text = ChunkedText.from(change.text);
        lines = new LineIndex(text);
        onChange?.(0, Infinity, change.text.length);
        continue;
      }
      const a = offsetIn(text, lines, change.range.start);
      const b = offsetIn(text, lines, change.range.end);
      // (A range given end first is taken as the library takes it: the earlier position starts it.)
      const from = Math.min(a, b);
      const to = Math.max(a, b);
      text = text.replace(from, to, change.text);
      lines = LineIndex.after(
        lines,
        [{ fromA: from, toA: to, fromB: from, toB: from + change.text.length }],
        text,
      );
      onChange?.(from, to, change.text.length);
    }
    return new OpenDocument(this.uri, this.languageId, version, text, lines);
  }

  /** The whole text (a copy of it, made once per version: for cold paths), or the text of `range`. */
  getText(range?: Range): string {
    if (!range) return this.text.toString();
    const a = this.offsetAt(range.start);
    const b = this.offsetAt(range.end);
    return this.text.slice(Math.min(a, b), Math.max(a, b));
  }

  /** The offset of an LSP position: clamped to the text, and to its line before the line break. */
  offsetAt(position: Position): number {
    return offsetIn(this.text, this.lines, position);
  }

  /** The LSP position of an offset (one inside a \r\n counts as before it). */
  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const { line, character } = this.lines.positionAt(clamped);
    const start = clamped - character;
    return { line, character: beforeLineBreak(this.text, clamped, start) - start };
  }
}

function offsetIn(text: ChunkedText, lines: LineIndex, position: Position): number {
  if (position.line < 0) return 0;
  const start = lines.offsetAt({ line: position.line, character: 0 });
  if (position.character <= 0) return start;
  return beforeLineBreak(text, lines.offsetAt(position), start);
}

function beforeLineBreak(text: ChunkedText, offset: number, lineStart: number): number {
  while (offset > lineStart && isLineBreak(text.charCodeAt(offset - 1))) offset--;
  return offset;
}
