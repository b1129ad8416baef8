import assert from 'node:assert/strict';
import { analyzeNix } from '../../../src/rules/analyze.js';
import { parseNix } from '../../../src/nix/parse.js';
import { DocumentStore, isNixDocument, type DocumentState } from '../../../src/server/documents.js';
import { generateDarwinConfig } from '../../util/generateConfig.js';
import { itemAt } from '../../util/itemAt.js';

const MODULE =
  '{\n  nix.linux-builder.enable = true;\n  nix.linux-builder.config.sshOptions = [ "-p" ];\n}\n';

function store(debounceMs = 20) {
  const analysed: { uri: string; version: number; codes: string[] }[] = [];
  const logs: string[] = [];
  const s = new DocumentStore({
    debounceMs,
    analyzeOptions: () => ({}),
    onAnalyzed: (state: DocumentState) =>
      analysed.push({
        uri: state.uri,
        version: state.analysis!.version,
        codes: state.analysis!.findings.map((f) => f.code),
      }),
    log: (m) => logs.push(m),
  });
  return { s, analysed, logs };
}

/** Every node of a tree, as name:from-to. */
function nodes(tree: { cursor(): { name: string; from: number; to: number; next(): boolean } }): string[] {
  const out: string[] = [];
  const cursor = tree.cursor();
  do out.push(`${cursor.name}:${cursor.from}-${cursor.to}`);
  while (cursor.next());
  return out;
}

const insert = (line: number, character: number, text: string) => ({
  range: { start: { line, character }, end: { line, character } },
  text,
});

/**
 * Waits until every timer the store set before now has fired: a sentinel document edited now is
 * analysed by a timer with the same delay, and Node fires equal timers in the order they were set.
 */
async function drainTimers(s: DocumentStore, analysed: { uri: string }[]): Promise<void> {
  const sentinel = `file:///sentinel-${Math.random()}.nix`;
  s.open(sentinel, 'nix', 1, '{ }');
  s.change(sentinel, 2, [insert(0, 1, ' ')]);
  await until('the sentinel analysis', () => analysed.filter((a) => a.uri === sentinel).length === 2);
  s.close(sentinel);
}

async function until(what: string, check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('document store', function () {
  it('says when it parsed a text from scratch (opened, replaced whole), not after an edit', function () {
    const fresh: number[] = [];
    const s = new DocumentStore({
      debounceMs: 20,
      analyzeOptions: () => ({}),
      onAnalyzed: () => undefined,
      onParsedFromScratch: (length) => fresh.push(length),
      log: () => undefined,
    });
    s.open('file:///a.nix', 'nix', 1, MODULE);
    assert.deepEqual(fresh, [MODULE.length]);
    s.change('file:///a.nix', 2, [insert(1, 0, '# ')]);
    assert.ok(s.current('file:///a.nix'));
    assert.deepEqual(fresh, [MODULE.length]);
    s.reanalyzeAll(); // settings changed: the same parse, no new one
    assert.deepEqual(fresh, [MODULE.length]);
    s.change('file:///a.nix', 3, [{ text: '{ }' }]);
    assert.ok(s.current('file:///a.nix'));
    assert.deepEqual(fresh, [MODULE.length, 3]);
    s.dispose();
  });

  it('analyses on open at once', function () {
    const { s, analysed } = store();
    s.open('file:///a.nix', 'nix', 1, MODULE);
    assert.equal(analysed.length, 1);
    assert.ok(itemAt(analysed, 0).codes.includes('ssh-options'));
    s.dispose();
  });

  it('coalesces a burst of edits into one analysis of the last version', async function () {
    const { s, analysed } = store(30);
    s.open('file:///a.nix', 'nix', 1, MODULE);
    for (let v = 2; v <= 10; v++) s.change('file:///a.nix', v, [insert(0, 0, ' ')]);
    await until('the debounced analysis', () => analysed.length === 2);
    assert.equal(itemAt(analysed, 1).version, 10);
    await drainTimers(s, analysed);
    assert.equal(
      analysed.filter((a) => a.uri === 'file:///a.nix').length,
      2,
      'no second analysis of the same version',
    );
    s.dispose();
  });

  it('analyses at once when a request needs the current text, and not again when the timer fires', async function () {
    const { s, analysed } = store(30);
    s.open('file:///a.nix', 'nix', 1, MODULE);
    s.change('file:///a.nix', 2, [insert(3, 0, '  nix.linux-builder.hostPort = 1;\n')]);
    const state = s.current('file:///a.nix');
    assert.equal(state?.analysis.version, 2);
    assert.ok(state.analysis.findings.some((f) => f.code === 'unknown-option'));
    await drainTimers(s, analysed);
    assert.deepEqual(
      analysed.filter((a) => a.uri === 'file:///a.nix').map((a) => a.version),
      [1, 2],
    );
    s.dispose();
  });

  it('applies several changes of one notification in order', function () {
    const { s } = store();
    s.open('file:///a.nix', 'nix', 1, 'abc\n');
    // Each change is in the coordinates of the text the previous one produced.
    s.change('file:///a.nix', 2, [
      insert(0, 3, 'd'),
      insert(0, 0, 'X'),
      { range: { start: { line: 0, character: 1 }, end: { line: 0, character: 2 } }, text: '' },
    ]);
    assert.equal(s.current('file:///a.nix')?.document.getText(), 'Xbcd\n');
    s.dispose();
  });

  it('several cursors (changes from the end towards the start): the text they make, and its parse and analysis', function () {
    const { s } = store();
    const uri = 'file:///cursors.nix';
    const text = generateDarwinConfig(400, 1);
    s.open(uri, 'nix', 1, text);
    const lines = text.split('\n');
    const bindings = lines
      .map((line, i) => (/^\s*[\w."-]+ = [^\n]*;$/.test(line) ? i : -1))
      .filter((i) => i >= 0)
      .filter((_, k) => k % 7 === 0)
      .slice(0, 10);
    let expected = text;
    for (let round = 0; round < 4; round++) {
      // A long insert (it comments the binding out), then a short one inside that comment.
      const typed = round % 2 === 0 ? `#${'x'.repeat(300)}` : ' ';
      // As an editor sends them: the last cursor first, so each range holds in the text before all.
      s.change(
        uri,
        round + 2,
        [...bindings].reverse().map((line) => insert(line, round, typed)),
      );
      expected = expected
        .split('\n')
        .map((line, i) =>
          bindings.includes(i) ? `${line.slice(0, round)}${typed}${line.slice(round)}` : line,
        )
        .join('\n');
      const current = s.current(uri);
      assert.equal(current?.document.getText(), expected, `round ${round}`);
      // Parsed incrementally from the recorded parse and the composed ranges: the tree a fresh
      // parse gives, node by node. (The composed ranges themselves are checked against the real
      // change in textChanges.test.ts: on this regular text, ranges composed in the wrong order
      // still gave the same tree.)
      const parsed = current?.analysis.parsed;
      assert.ok(parsed);
      assert.deepEqual(nodes(parsed.tree), nodes(parseNix(expected).tree), `round ${round}`);
      assert.deepEqual(
        current?.analysis.findings.map((f) => [f.code, f.range.start.line]),
        analyzeNix(expected).findings.map((f) => [f.code, f.range.start.line]),
      );
    }
    s.dispose();
  });

  it('forgets a closed document and its pending analysis', async function () {
    const { s, analysed } = store(20);
    s.open('file:///a.nix', 'nix', 1, MODULE);
    s.change('file:///a.nix', 2, [insert(0, 0, ' ')]);
    s.close('file:///a.nix');
    await drainTimers(s, analysed);
    assert.equal(analysed.filter((a) => a.uri === 'file:///a.nix').length, 1);
    assert.equal(s.current('file:///a.nix'), undefined);
  });

  it('analyses a large document in slices; an edit meanwhile abandons it, and nothing is lost', async function () {
    this.timeout(60_000);
    const { s, analysed } = store(5);
    const big = generateDarwinConfig(20_000, 2);
    s.open('file:///big.nix', 'nix', 1, big);
    // Not done within the first slice: the store yields to the event loop.
    assert.equal(analysed.length, 0);
    s.change('file:///big.nix', 2, [insert(1, 0, '  nix.linux-builder.hostPort = 1;\n')]);
    await until('the analysis of version 2', () => analysed.length > 0, 50_000);
    assert.deepEqual(
      analysed.map((a) => a.version),
      [2],
      'version 1 was abandoned',
    );
    const text = s.document('file:///big.nix')?.getText() ?? '';
    assert.deepEqual(
      itemAt(analysed, 0).codes,
      analyzeNix(text).findings.map((f) => f.code),
    );
    // The next keystroke parses incrementally from the recorded parse: still a fresh analysis's result.
    s.change('file:///big.nix', 3, [insert(1, 0, '  nix.linux-builder.maxJobs = "x";\n')]);
    const state = s.current('file:///big.nix');
    assert.deepEqual(
      state?.analysis.findings.map((f) => f.code),
      analyzeNix(state?.document.getText() ?? '').findings.map((f) => f.code),
    );
    s.dispose();
  });

  it('checks nix documents by language id or file name', function () {
    assert.ok(isNixDocument('file:///x/flake.nix', 'plaintext'));
    assert.ok(isNixDocument('untitled:Untitled-1', 'nix'));
    assert.ok(isNixDocument('file:///x/a.NIX?query', ''));
    assert.ok(!isNixDocument('file:///x/README.md', 'markdown'));
  });
});

describe('a document whose analysis throws', function () {
  it('gets one analysis-failed diagnostic instead of nothing', async function () {
    const analysed: string[][] = [];
    const s = new DocumentStore({
      debounceMs: 5,
      // Any exception inside the analysis: here reading the options throws.
      analyzeOptions: () => ({
        get disabledRules(): string[] {
          throw new Error('boom');
        },
      }),
      onAnalyzed: (state: DocumentState) =>
        analysed.push(state.analysis!.findings.map((f) => `${f.code}: ${f.message} ${f.detail ?? ''}`)),
      log: () => undefined,
    });
    s.open('file:///broken.nix', 'nix', 1, MODULE);
    await until('the analysis', () => analysed.length === 1);
    assert.deepEqual(analysed.length, 1);
    const [messages] = analysed;
    assert.equal(messages?.length, 1);
    assert.match(
      itemAt(messages, 0),
      /^analysis-failed: Nothing in this file was checked.*stopped with: boom/,
    );
    s.dispose();
  });
});
