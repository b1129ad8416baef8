/**
 * Diagnostics that read like diagnostics (issue 9 item 3): every rule's message is one plain-text
 * sentence of at most 120 characters, its fix titles at most 70, and no plain-text field (message,
 * detail, related message, fix title) carries Markdown. The rules are driven with everything the
 * tests know: the "Wrong" example of each rule's page, every fixture and example file alone, and
 * the multi-file fixtures as configurations (findings that depend on another module).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../../src/protocol/findings.js';
import { analyzeNix } from '../../../src/rules/analyze.js';
import { RULE_IDS } from '../../../src/rules/registry.js';
import { MESSAGE_LIMIT, TITLE_LIMIT } from '../../../src/rules/rule.js';
import { mergeContexts } from '../../../src/rules/perHost.js';
import { checkFiles } from '../../../src/workspace/checkFiles.js';
import { nodeFs } from '../../../src/workspace/fileSystem.js';
import { corpus } from '../../util/corpus.js';
import { examplesDir, fixturesDir, projectRoot } from '../../util/paths.js';

/** The ```nix blocks under "## Wrong" of a rule page. */
function wrongExamples(page: string): string[] {
  const section = /^## Wrong\n([\s\S]*?)(?=^## )/m.exec(page)?.[1] ?? '';
  return [...section.matchAll(/```nix\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

/** Folders whose .nix files form one configuration together. */
function configurationFolders(): string[] {
  const folders = readdirSync(examplesDir).map((d) => join(examplesDir, d));
  for (const dir of ['multiHost', 'bugReports']) {
    const root = join(fixturesDir, dir);
    folders.push(root, ...readdirSync(root).map((d) => join(root, d)));
  }
  return folders.filter((d) => statSync(d).isDirectory());
}

function nixFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.nix'))
    .map((f) => join(dir, f));
}

function allFindings(): { where: string; finding: Finding }[] {
  const out: { where: string; finding: Finding }[] = [];
  for (const page of readdirSync(join(projectRoot, 'docs/rules')).filter((f) => f.endsWith('.md'))) {
    wrongExamples(readFileSync(join(projectRoot, 'docs/rules', page), 'utf8')).forEach((text, i) => {
      for (const finding of analyzeNix(text).findings)
        out.push({ where: `${page} Wrong #${i + 1}`, finding });
    });
  }
  for (const { name, text } of corpus())
    for (const finding of analyzeNix(text).findings) out.push({ where: name, finding });
  // The real-world corpus, one configuration per repository (as its own test checks it).
  const corpusDir = join(fixturesDir, 'realWorldCorpus');
  const byRepo = new Map<string, string[]>();
  for (const f of readdirSync(corpusDir).filter((n) => n.endsWith('.nix'))) {
    const repo = f.split('__').slice(0, 2).join('__');
    byRepo.set(repo, [...(byRepo.get(repo) ?? []), join(corpusDir, f)]);
  }
  const groups = [...configurationFolders().map(nixFilesUnder), ...byRepo.values()];
  for (const files of groups.filter((g) => g.length > 0)) {
    for (const checked of checkFiles(files, nodeFs).checked)
      for (const finding of checked.findings) out.push({ where: finding.file ?? '?', finding });
  }
  return out;
}

const MARKDOWN = /`|\*\*|\]\(|^#/;
/** A second sentence: an end mark followed by a capital (abbreviations like "e.g." are not used). */
const SECOND_SENTENCE = /[.!?]\s+[A-Z]/;

describe('diagnostics read like diagnostics (issue 9 item 3)', function () {
  this.timeout(240_000);
  const found = allFindings();

  it('the inputs reach every rule, so the limits below are checked on each', function () {
    const seen = new Set(found.map((f) => f.finding.code));
    const missing = RULE_IDS.filter((id) => !seen.has(id) && id !== 'analysis-failed');
    assert.deepEqual(missing, [], 'rules no input triggers: give their page a "Wrong" example');
  });

  it(`messages: one plain sentence of at most ${MESSAGE_LIMIT} characters, problem first`, function () {
    const bad = new Set<string>();
    for (const { where, finding } of found) {
      const m = finding.message;
      const problems = [
        m.length > MESSAGE_LIMIT && `${m.length} characters`,
        MARKDOWN.test(m) && 'Markdown',
        /\n/.test(m) && 'several lines',
        SECOND_SENTENCE.test(m) && 'two sentences',
      ].filter(Boolean);
      if (problems.length) bad.add(`[${finding.code}] ${problems.join(', ')}: ${m} (${where})`);
    }
    assert.deepEqual([...bad], []);
  });

  it(`fix titles: plain text of at most ${TITLE_LIMIT} characters`, function () {
    const bad = new Set<string>();
    for (const { finding } of found)
      for (const fix of finding.fixes)
        if (fix.title.length > TITLE_LIMIT || MARKDOWN.test(fix.title) || /\n/.test(fix.title))
          bad.add(`[${finding.code}] ${fix.title.length}: ${fix.title}`);
    assert.deepEqual([...bad], []);
  });

  it('details and related messages: plain text (no Markdown), related ones one short line', function () {
    const bad = new Set<string>();
    for (const { finding } of found) {
      if (finding.detail !== undefined && (MARKDOWN.test(finding.detail) || /\n/.test(finding.detail)))
        bad.add(`[${finding.code}] detail: ${finding.detail}`);
      for (const r of finding.related ?? [])
        if (r.message.length > MESSAGE_LIMIT || MARKDOWN.test(r.message))
          bad.add(`[${finding.code}] related: ${r.message}`);
    }
    assert.deepEqual([...bad], []);
  });

  it('the plain-text fields of package.json (welcome views, walkthrough steps) carry no backticks', function () {
    const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
      contributes: {
        viewsWelcome?: { contents: string }[];
        walkthroughs?: { description: string; steps: { title: string; description: string }[] }[];
        commands: { title: string }[];
      };
    };
    const texts = [
      ...(manifest.contributes.viewsWelcome ?? []).map((v) => v.contents),
      ...(manifest.contributes.walkthroughs ?? []).flatMap((w) => [
        w.description,
        ...w.steps.flatMap((s) => [s.title, s.description]),
      ]),
      ...manifest.contributes.commands.map((c) => c.title),
    ];
    assert.ok(texts.length > 5);
    assert.deepEqual(
      texts.filter((t) => /`|\*\*/.test(t)),
      [],
    );
  });
});

describe('a finding for some hosts only names them without breaking the length limit', function () {
  const finding = (message: string) => ({
    rule: 'x86-needs-emulation',
    finding: { span: { from: 0, to: 1 }, severity: 'warning' as const, message, detail: 'Why.', fixes: [] },
  });
  const contexts = [{ host: 'work-mac' }, { host: 'home-mac-with-a-very-long-name-for-this-test' }];

  it('in the message when it fits', function () {
    const [merged] = mergeContexts(contexts, [[finding('Short.')], []]);
    assert.equal(merged?.finding.message, 'Short. (host: work-mac)');
  });

  it('at the head of the detail when the message would pass 120 characters', function () {
    const long = `${'x'.repeat(110)}.`;
    const [merged] = mergeContexts(contexts, [[], [finding(long)]]);
    assert.equal(merged?.finding.message, long);
    assert.equal(merged?.finding.detail, 'Only for host home-mac-with-a-very-long-name-for-this-test. Why.');
  });
});
