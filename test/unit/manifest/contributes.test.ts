/**
 * What package.json shows a user (issue 9 item 6): one command category of our own (Nix IDE owns
 * "Nix"), Title Case titles, setting labels a person reads, and the rule ids of `rules.disabled`
 * derived from the rule declarations so the Settings UI's list never drifts from the rules.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_IDS } from '../../../src/rules/registry.js';
import { projectRoot } from '../../util/paths.js';

interface Manifest {
  contributes: {
    commands: { command: string; title: string; category?: string; icon?: string }[];
    menus: Record<string, { command: string; when?: string; group?: string }[]>;
    viewsWelcome: { view: string; when: string; contents: string }[];
    configuration: { properties: Record<string, { items?: { enum?: string[] } }> };
  };
}

const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as Manifest;
/** Words Title Case leaves in lower case (Chicago style, as VS Code's own commands use it). */
const SMALL_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to']);

/** Whether a menu `when` of the form `view == … && viewItem =~ /re/` matches a row's contextValue. */
function matchesViewItem(when: string | undefined, contextValue: string): boolean {
  const match = /viewItem =~ \/(.+)\/$/.exec(when ?? '');
  return match !== null && new RegExp(match[1] ?? '').test(contextValue);
}

describe('package.json contributes', () => {
  it('puts every command in the "Linux Builder Doctor" category', () => {
    for (const c of manifest.contributes.commands)
      assert.equal(c.category, 'Linux Builder Doctor', c.command);
  });

  it('titles every command in Title Case', () => {
    for (const { command, title } of manifest.contributes.commands) {
      const words = title.split(/\s+/);
      words.forEach((word, i) => {
        const small = i > 0 && SMALL_WORDS.has(word);
        assert.ok(small || /^[A-Z]/.test(word), `${command}: "${word}" in "${title}" should be capitalised`);
        if (i > 0 && SMALL_WORDS.has(word.toLowerCase()))
          assert.equal(word, word.toLowerCase(), `${command}: "${word}" in "${title}"`);
      });
    }
  });

  it('gives the report command an icon that reads as a report (a page of text), not "report a problem" or a log panel', () => {
    const report = manifest.contributes.commands.find((c) => c.command === 'linuxBuilderDoctor.openReport');
    assert.equal(report?.icon, '$(file-text)');
  });

  it('menus and welcome texts name only declared commands; every registered command is declared', () => {
    const declared = new Set(manifest.contributes.commands.map((c) => c.command));
    for (const [menu, entries] of Object.entries(manifest.contributes.menus))
      for (const entry of entries) assert.ok(declared.has(entry.command), `${menu}: ${entry.command}`);
    const registry = readFileSync(join(projectRoot, 'src/extension/commands/index.ts'), 'utf8');
    const registered = [...registry.matchAll(/'(linuxBuilderDoctor\.[A-Za-z]+)':/g)].map((m) => m[1]);
    assert.ok(registered.length >= 10);
    assert.deepEqual([...registered].sort(), [...declared].sort());
  });

  it('the verdict row carries Fix…, Copy Fix and Show Evidence inline and in its context menu', () => {
    const items = manifest.contributes.menus['view/item/context'] ?? [];
    const verdictContext = 'view == linuxBuilderDoctor.health && viewItem == verdict hasFix';
    for (const command of ['fixProbe', 'copyFix', 'showEvidence'])
      for (const inline of [true, false]) {
        const entry = items.find(
          (e) =>
            e.command === `linuxBuilderDoctor.${command}` &&
            (e.group ?? '').startsWith('inline') === inline &&
            matchesViewItem(e.when, 'verdict hasFix'),
        );
        assert.ok(entry, `${command} ${inline ? 'inline' : 'in the context menu'} for ${verdictContext}`);
      }
  });

  it('shows exactly one welcome text per state: untrusted, not a Mac, no builder, a Mac', () => {
    const whens = manifest.contributes.viewsWelcome.map((w) => w.when);
    assert.deepEqual(whens, [
      '!isWorkspaceTrusted',
      'isWorkspaceTrusted && linuxBuilderDoctor.welcome == noBuilder',
      'isWorkspaceTrusted && linuxBuilderDoctor.welcome == notMac',
      'isWorkspaceTrusted && linuxBuilderDoctor.welcome == mac',
    ]);
    const ctx = readFileSync(join(projectRoot, 'src/extension/ctx.ts'), 'utf8');
    assert.match(ctx, /welcomeState\(\): 'notMac' \| 'noBuilder' \| 'mac'/);
  });

  it('offers exactly the rule ids in rules.disabled, in the registry order', () => {
    const disabled = manifest.contributes.configuration.properties['linuxBuilderDoctor.rules.disabled'];
    assert.deepEqual(
      disabled?.items?.enum,
      [...RULE_IDS],
      'npm run build writes RULE_IDS (src/rules/registry.ts) into package.json',
    );
  });

  it('names settings with whole words (the Settings UI derives labels from the key: no "Timeout Ms")', () => {
    for (const key of Object.keys(manifest.contributes.configuration.properties)) {
      assert.doesNotMatch(key, /(Ms|Secs?)$/, key);
    }
  });
});
