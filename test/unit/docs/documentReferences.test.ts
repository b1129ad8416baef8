import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../util/paths.js';

/** The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = !fenced ? /^#{1,6} (.+)$/.exec(line) : null;
    if (heading?.[1] !== undefined) anchors.add(headingAnchor(heading[1]));
  }
  return anchors;
}

const sourceDirs = ['src', 'test', 'scripts', 'bench'];
const sourceFiles = (): string[] => [
  'eslint.config.js',
  ...sourceDirs.flatMap((dir) => readdirSync(join(projectRoot, dir), { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => /\.(ts|mts|js|mjs|cjs|sh|lua)$/.test(f) && !f.startsWith(join('src', 'nix', 'generated')) && !f.startsWith(join('test', 'fixtures')))),
];

describe('document references in the sources', function () {
  it('computes GitHub heading anchors', function () {
    assert.equal(headingAnchor('How Nix connects to a remote builder'), 'how-nix-connects-to-a-remote-builder');
    assert.equal(headingAnchor('The machines file and `buildMachines`'), 'the-machines-file-and-buildmachines');
    assert.equal(headingAnchor('Stable names and the CLI contract'), 'stable-names-and-the-cli-contract');
  });

  it('every docs/… path a source file names exists, and so does the heading its #anchor names', function () {
    const missing: string[] = [];
    let count = 0;
    for (const file of sourceFiles()) {
      const text = readFileSync(join(projectRoot, file), 'utf8');
      for (const match of text.matchAll(/\bdocs\/[A-Za-z0-9_./-]+\.md(?:#([A-Za-z0-9_-]+))?/g)) {
        count++;
        const [reference, anchor] = [match[0], match[1]];
        const doc = join(projectRoot, reference.replace(/#.*$/, ''));
        if (!existsSync(doc)) { missing.push(`${file}: ${reference} (no such file)`); continue; }
        if (anchor !== undefined && !anchorsOf(readFileSync(doc, 'utf8')).has(anchor)) missing.push(`${file}: ${reference} (no such heading)`);
      }
    }
    assert.deepEqual(missing, []);
    assert.ok(count > 40, `only ${count} references found: is the scan looking in the right places?`);
  });

  it('sections are cited by anchor (docs/dev/domain.md#builder-options), not by a quoted title that can drift', function () {
    const byTitle = /\bdocs\/[A-Za-z0-9_./-]+\.md, "/;
    assert.deepEqual(sourceFiles().filter((f) => byTitle.test(readFileSync(join(projectRoot, f), 'utf8'))), []);
  });

  it('no source cites a document that is not in the repository', function () {
    const outside = new RegExp(['ARCHITECTURE', 'DOMAIN', 'TESTING'].map((n) => `\\b${n}(\\.md|\\b)`).join('|') + '|\\.\\./shared/');
    const self = join('test', 'unit', 'docs', 'documentReferences.test.ts');
    const offenders = sourceFiles().filter((f) => f !== self && outside.test(readFileSync(join(projectRoot, f), 'utf8')));
    assert.deepEqual(offenders, []);
  });
});
