import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNix } from '../../../src/nix/parse.js';
import { syntaxProblems } from '../../../src/nix/syntaxProblems.js';
import { generateDarwinConfig } from '../../util/generateConfig.js';
import { examplesDir, fixturesDir } from '../../util/paths.js';
import { requireTools } from '../../util/prerequisites.js';
import { mapLimit, nixParse, type NixVerdict } from './nixOracle.js';
import { snippets } from './snippets.js';

function nixFilesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true })
      .map((f) => join(dir, String(f)))
      .filter((f) => f.endsWith('.nix') && statSync(f).isFile());
  } catch {
    return [];
  }
}

/**
 * Whether the text uses syntax newer than the oracle: the pipe operators `|>`/`<|` (Nix 2.24+,
 * experimental feature `pipe-operators`), which Nix 2.8 rejects and we accept on purpose.
 */
function usesNewerSyntax(text: string): boolean {
  let found = false;
  parseNix(text).tree.iterate({
    enter: (node) => {
      if (node.name === 'PipeOp') found = true;
      return !found;
    },
  });
  return found;
}

/** Nix's verdict on each file, and the files where ours (syntax problems or not) differs. */
async function compare(files: string[]): Promise<{ verdicts: NixVerdict[]; mismatches: string[] }> {
  const out = await mapLimit(files, 3, async (file) => {
    const text = readFileSync(file, 'utf8');
    const problems = syntaxProblems(parseNix(text));
    const nix = await nixParse(file);
    const weReject = problems.length > 0;
    const newer = !weReject && nix.verdict === 'reject' && usesNewerSyntax(text);
    const agree = nix.verdict === 'unknown' || newer || weReject === (nix.verdict === 'reject');
    const mismatch = agree
      ? null
      : `${file}: nix ${nix.verdict} (${nix.message}), ours ${weReject ? problems[0]?.message : 'accept'}`;
    return { verdict: nix.verdict, mismatch };
  });
  return {
    verdicts: out.map((o) => o.verdict),
    mismatches: out.flatMap((o) => (o.mismatch ? [o.mismatch] : [])),
  };
}

async function mismatches(files: string[]): Promise<string[]> {
  return (await compare(files)).mismatches;
}

describe('grammar proof against nix-instantiate --parse', function () {
  this.timeout(30_000);
  let scratch = '';
  before(function () {
    requireTools(this, ['nix-instantiate']);
    scratch = mkdtempSync(join(tmpdir(), 'lbd-grammar-'));
  });
  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('agrees on every tricky snippet, valid and invalid, and the snippet table matches Nix', async function () {
    // One nix-instantiate per snippet (about 200), three at a time: slow on a loaded machine.
    this.timeout(120_000);
    const files = snippets.map((s, i) => {
      const file = join(scratch, `snippet${i}.nix`);
      writeFileSync(file, s.text);
      return file;
    });
    const { verdicts, mismatches: wrong } = await compare(files);
    assert.deepEqual(wrong, []);
    const wrongTable = snippets.filter(
      (s, i) => verdicts[i] !== 'unknown' && (verdicts[i] === 'accept') !== (s.nix28 ?? s.valid),
    );
    assert.deepEqual(
      wrongTable.map((s) => s.text),
      [],
    );
  });

  it('agrees on the examples and test fixtures', async function () {
    // Some 200 files (examples, fixtures, the real-world corpus), one nix-instantiate each.
    this.timeout(180_000);
    const files = [...nixFilesUnder(examplesDir), ...nixFilesUnder(fixturesDir)];
    assert.ok(files.length > 0, 'expected .nix fixtures');
    assert.deepEqual(await mismatches(files), []);
  });

  it('agrees on generated stress configurations (accepted by both)', async () => {
    const files = [200, 1000, 3000].map((lines, i) => {
      const file = join(scratch, `generated${i}.nix`);
      writeFileSync(file, generateDarwinConfig(lines, i + 1));
      return file;
    });
    for (const file of files) assert.equal((await nixParse(file)).verdict, 'accept', file);
    assert.deepEqual(await mismatches(files), []);
  });

  it('agrees on broken variants of a generated configuration (deletions and stray tokens)', async () => {
    const base = generateDarwinConfig(120, 5);
    const pieces = [
      ';',
      '{',
      '}',
      '"',
      "''",
      '${',
      '(',
      ')',
      '[',
      ']',
      '=',
      '.',
      '/',
      ':',
      '?',
      '@',
      'or',
      'in',
      '#',
      '/*',
      '$',
      '\\',
      "'",
      '-',
    ];
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const files = Array.from({ length: 40 }, (_, i) => {
      const at = rnd(base.length);
      const text =
        i % 2 === 0
          ? base.slice(0, at) + base.slice(at + 1 + rnd(3))
          : base.slice(0, at) + (pieces[rnd(pieces.length)] ?? '') + base.slice(at);
      const file = join(scratch, `broken${i}.nix`);
      writeFileSync(file, text);
      return file;
    });
    assert.deepEqual(await mismatches(files), []);
  });
});
