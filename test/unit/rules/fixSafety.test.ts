/**
 * Quick fixes write into the user's files: none may delete more than the one binding it means,
 * carry overlapping edits, or turn a file that parses into one that does not. The sweep runs every
 * rule over single-typo variants of every example and fixture (test/util/typos.ts) and judges each
 * fix against the typo-free original, whose tree the typo cannot have confused.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LineIndex } from '../../../src/nix/lines.js';
import { parseNix } from '../../../src/nix/parse.js';
import { syntaxProblems } from '../../../src/nix/syntaxProblems.js';
import type { Finding } from '../../../src/protocol/findings.js';
import { analyzeNix } from '../../../src/rules/analyze.js';
import { isOneBindingOrExpression, lineEnding } from '../../../src/rules/fixGuard.js';
import { nixParseError } from '../../util/nixCheck.js';
import { examplesDir, fixturesDir, projectRoot } from '../../util/paths.js';
import { requireTools } from '../../util/prerequisites.js';
import { originalOffset, typoVariants, type Typo } from '../../util/typos.js';
import { itemAt } from '../../util/itemAt.js';

const settings = JSON.parse(readFileSync(join(fixturesDir, 'hostile', 'typoSweep.json'), 'utf8')) as {
  seed: number;
  perClass: number;
  corpusPerClass: number;
  nixParseSample: number;
};
/** The 100-odd public configurations get a smaller sample each, to keep the sweep under a minute. */
const perClassFor = (file: string) =>
  file.includes('realWorldCorpus') ? settings.corpusPerClass : settings.perClass;

function nixFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.nix'))
    .map((f) => join(dir, f))
    .sort();
}

const parses = (text: string) => syntaxProblems(parseNix(text)).length === 0;

/** Each binding of the original with the white space around it: what one removal may take. */
function bindingExtents(text: string): [number, number][] {
  const out: [number, number][] = [];
  parseNix(text).tree.iterate({
    enter(node) {
      if (node.name !== 'Binding' && node.name !== 'Inherit') return;
      let from = node.from;
      while (from > 0 && /\s/.test(text[from - 1] ?? '')) from--;
      let to = node.to;
      while (to < text.length && /\s/.test(text[to] ?? '')) to++;
      out.push([from, to]);
    },
  });
  return out;
}

interface Edit {
  from: number;
  to: number;
  newText: string;
}

function offsetEdits(text: string, finding: Finding): Edit[][] {
  const lines = new LineIndex(text);
  return finding.fixes.map((fix) =>
    fix.edits.map((e) => ({
      from: lines.offsetAt(e.range.start),
      to: lines.offsetAt(e.range.end),
      newText: e.newText,
    })),
  );
}

function apply(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.from - a.from))
    out = out.slice(0, e.from) + e.newText + out.slice(e.to);
  return out;
}

describe('quick fixes on single-typo variants of every example and fixture', function () {
  // Thousands of variants, each analysed; a loaded 2-core machine needs minutes.
  this.timeout(400_000);
  before(function () {
    requireTools(this, ['nix-instantiate']);
  });

  it('delete at most one binding, never overlap, and keep a parsing file parsing', () => {
    const files = [...nixFiles(examplesDir), ...nixFiles(fixturesDir)];
    assert.ok(files.length >= 15, `corpus: ${files.length} files`);
    const stats = { variants: 0, fixes: 0, parsingFixes: 0, dropped: 0 };
    const problems: string[] = [];
    const nixSample: { where: string; text: string; before: string }[] = [];
    for (const file of files) {
      const original = readFileSync(file, 'utf8');
      const extents = bindingExtents(original);
      const variants: (Typo | { kind: 'none'; at: -1; text: string })[] = [
        { kind: 'none', at: -1, text: original },
        // (Seeded by the path inside the project: a clone anywhere else sweeps the same variants.)
        ...typoVariants(relative(projectRoot, file), original, settings.seed, perClassFor(file)),
      ];
      for (const variant of variants) {
        stats.variants++;
        const where = `${file} ${variant.kind}@${variant.at}`;
        const variantParses = parses(variant.text);
        const analysis = analyzeNix(variant.text, {
          onRuleError: (rule, error) => problems.push(`${where}: rule ${rule} threw ${String(error)}`),
          onDroppedFix: (rule, title, reason) => {
            stats.dropped++;
            // On a file that parses, every fix a rule makes must pass the checks by itself.
            if (variantParses || reason === 'overlap')
              problems.push(`${where}: ${rule} fix "${title}" dropped (${reason})`);
          },
        });
        const back = (offset: number, end: boolean) =>
          variant.kind === 'none'
            ? offset
            : end
              ? originalOffset(variant, offset - 1) + 1
              : originalOffset(variant, offset);
        for (const finding of analysis.findings) {
          offsetEdits(variant.text, finding).forEach((edits, i) => {
            stats.fixes++;
            const title = `${finding.code} fix "${finding.fixes[i]?.title}"`;
            for (const e of edits.filter((x) => x.to > x.from)) {
              // One character of slack for the typo itself.
              const from = back(e.from, false) + 1;
              const to = back(e.to, true) - 1;
              if (!extents.some(([a, b]) => a <= from && to <= b))
                problems.push(
                  `${where}: ${title} deletes more than one binding: ${JSON.stringify(variant.text.slice(e.from, e.to))}`,
                );
            }
            const sorted = [...edits].sort((a, b) => a.from - b.from);
            if (sorted.some((e, k) => k > 0 && e.from < itemAt(sorted, k - 1).to))
              problems.push(`${where}: ${title} has overlapping edits`);
            if (!variantParses) return;
            stats.parsingFixes++;
            const fixed = apply(variant.text, edits);
            if (!parses(fixed))
              problems.push(
                `${where}: ${title} gives text that does not parse: ${syntaxProblems(parseNix(fixed))
                  .map((p) => p.message)
                  .join('; ')}`,
              );
            else if (stats.parsingFixes % 37 === 0 && nixSample.length < settings.nixParseSample)
              nixSample.push({ where: `${where}: ${title}`, text: fixed, before: variant.text });
          });
        }
      }
    }
    assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems`);
    // The sweep must have exercised something: broken variants whose fixes the checks held back,
    // and fixes on variants that still parse.
    assert.ok(
      stats.variants > 2500 && stats.fixes > 3000 && stats.dropped > 100 && stats.parsingFixes > 1000,
      JSON.stringify(stats),
    );
    // Our parser stands in for Nix's above; check a sample of the fixed texts with the real one.
    assert.ok(nixSample.length >= Math.min(20, settings.nixParseSample), `nix sample: ${nixSample.length}`);
    // Nix's parser also rejects unbound variables (a typo in `pkgs` of the arguments), which ours
    // leaves to evaluation: judge a fix only where Nix accepted the text before it.
    for (const { where, text, before } of nixSample) {
      if (nixParseError(before) === null) assert.equal(nixParseError(text), null, where);
    }
  });
});

describe('fix safety checks', () => {
  const fixesOf = (text: string, code: string) =>
    analyzeNix(text)
      .findings.filter((f) => f.code === code)
      .flatMap((f) => f.fixes);

  it('a missing quote in the sshOptions list: no fix, instead of deleting to the end of the file', () => {
    const text =
      '{\n  nix.linux-builder.sshOptions = [\n    "-p" "31022"\n    "-l" builder"\n  ];\n  nix.linux-builder.enable = true;\n  networking.hostName = "mac";\n}\n';
    const found = analyzeNix(text).findings.find((f) => f.code === 'ssh-options');
    assert.ok(found, 'the finding stays: only its fixes are held back');
    assert.deepEqual(found.fixes, []);
  });

  it('a removal that is not one binding is held back', () => {
    assert.equal(isOneBindingOrExpression('  a = 1;\n'), true);
    assert.equal(isOneBindingOrExpression('a = [ "x" ]; # note'), true);
    assert.equal(isOneBindingOrExpression('linux-buildr'), true);
    assert.equal(isOneBindingOrExpression('lib.mkForce 4'), true);
    assert.equal(isOneBindingOrExpression('  a = 1;\n  b = 2;\n'), false);
    assert.equal(isOneBindingOrExpression('a = [ "x ];\n b = "y";'), false);
    assert.equal(isOneBindingOrExpression('1; b = 2'), false);
  });

  it('removing sshOptions, the last binding of its set, and adding protocol there: edits do not overlap and the result parses', () => {
    const text =
      '{\n  nix.linux-builder = {\n    enable = true;\n    sshOptions = [ "-p" "31022" ];\n  };\n}\n';
    const fix = fixesOf(text, 'ssh-options').find((f) => /protocol/.test(f.title));
    assert.ok(fix);
    const fixed = apply(
      text,
      itemAt(offsetEdits(text, { ...itemAt(analyzeNix(text).findings, 0), fixes: [fix] }), 0),
    );
    assert.equal(fixed, '{\n  nix.linux-builder = {\n    enable = true;\n    protocol = "ssh";\n  };\n}\n');
  });

  it('removing the only binding of a set and adding two others there gives one edit', () => {
    const text = '{ lib, ... }:\n{\n  nix.linux-builder.sshOptions = [ "-p" "31022" ];\n}\n';
    for (const fix of fixesOf(text, 'ssh-options')) {
      const edits = itemAt(offsetEdits(text, { ...itemAt(analyzeNix(text).findings, 0), fixes: [fix] }), 0);
      const sorted = [...edits].sort((a, b) => a.from - b.from);
      sorted.forEach((e, k) => assert.ok(k === 0 || e.from >= itemAt(sorted, k - 1).to, fix.title));
      assert.ok(parses(apply(text, edits)), `${fix.title}:\n${apply(text, edits)}`);
    }
  });

  it('a misspelt name next to the real one is not moved onto it (Nix: attribute already defined)', () => {
    const text = '{\n  nix.linux-builder.enable = true;\n  nix.linux-buildr = true;\n}\n';
    for (const fix of fixesOf(text, 'unknown-option')) {
      const fixed = apply(
        text,
        itemAt(offsetEdits(text, { ...itemAt(analyzeNix(text).findings, 0), fixes: [fix] }), 0),
      );
      assert.ok(parses(fixed), `${fix.title}:\n${fixed}`);
    }
    const renamed = '{\n  nix.linux-builder.enable = true;\n  nix.linux-buildr.enable = false;\n}\n';
    assert.deepEqual(
      fixesOf(renamed, 'unknown-option').map((f) => f.title),
      [],
    );
    // With nothing in the way the rename is still offered.
    assert.deepEqual(
      fixesOf('{\n  nix.linux-buildr.enable = true;\n}\n', 'unknown-option').map((f) => f.title),
      ['Change to linux-builder'],
    );
  });

  it('a name of an inherit with other names: only that name goes, and it is never moved', () => {
    const text =
      '{ cfg, ... }:\n{\n  nix.linux-builder = {\n    enable = true;\n    inherit (cfg) maxJobs sshOptions;\n    inherit (cfg) sytems;\n  };\n}\n';
    const [remove] = fixesOf(text, 'ssh-options');
    assert.ok(remove);
    const finding = analyzeNix(text).findings.find((f) => f.code === 'ssh-options')!;
    assert.match(
      apply(text, itemAt(offsetEdits(text, { ...finding, fixes: [remove] }), 0)),
      /inherit \(cfg\) maxJobs;/,
    );
    assert.ok(
      analyzeNix(text).findings.some((f) => f.code === 'unknown-option'),
      'sytems is still flagged',
    );
    assert.deepEqual(
      fixesOf(text, 'unknown-option').map((f) => f.title),
      [],
    );
  });

  it('a CRLF file gets CRLF line breaks in what a fix inserts', () => {
    const text =
      '{ lib, ... }:\r\n{\r\n  nix.linux-builder = {\r\n    enable = true;\r\n    sshOptions = [ "-p" "31022" ];\r\n  };\r\n}\r\n';
    assert.equal(lineEnding(text), '\r\n');
    const fixes = fixesOf(text, 'ssh-options');
    assert.ok(fixes.length >= 3);
    for (const fix of fixes) {
      const fixed = apply(
        text,
        itemAt(offsetEdits(text, { ...itemAt(analyzeNix(text).findings, 0), fixes: [fix] }), 0),
      );
      assert.doesNotMatch(fixed, /[^\r]\n/, `${fix.title}: a bare LF in\n${JSON.stringify(fixed)}`);
      assert.ok(parses(fixed), fix.title);
    }
  });
});
