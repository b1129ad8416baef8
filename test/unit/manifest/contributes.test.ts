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
    configuration: { properties: Record<string, { items?: { enum?: string[] } }> };
  };
}

const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as Manifest;
/** Words Title Case leaves in lower case (Chicago style, as VS Code's own commands use it). */
const SMALL_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to']);

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

  it('gives the report command an icon that reads as a document, not "report a problem"', () => {
    const report = manifest.contributes.commands.find((c) => c.command === 'linuxBuilderDoctor.openReport');
    assert.equal(report?.icon, '$(output)');
  });

  it('offers exactly the rule ids in rules.disabled, in the registry order', () => {
    const disabled = manifest.contributes.configuration.properties['linuxBuilderDoctor.rules.disabled'];
    assert.deepEqual(
      disabled?.items?.enum,
      [...RULE_IDS],
      'copy RULE_IDS (src/rules/registry.ts) into package.json',
    );
  });

  it('names settings with whole words (the Settings UI derives labels from the key: no "Timeout Ms")', () => {
    for (const key of Object.keys(manifest.contributes.configuration.properties)) {
      assert.doesNotMatch(key, /(Ms|Secs?)$/, key);
    }
  });
});
