import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { IGrammar } from 'vscode-textmate';
import { projectRoot } from '../../util/paths.js';
import { loadNixGrammar, NIX_SCOPE, snapshot, tokenize, type Token } from './tokenize.js';

const fixtures = join(projectRoot, 'test', 'unit', 'syntaxes', 'fixtures');
/** Real-world module shapes the parser tests use too: snapshotted here rather than copied. */
const shared = join(projectRoot, 'test', 'fixtures', 'nix');
const sharedFiles = ['builderConfig.nix', 'flake.nix'];
const update = process.env.UPDATE_SNAPSHOTS === '1';

/** The scopes of the first token whose text is `text` (on the given line when several). */
function scopesOf(tokens: Token[][], text: string, line?: number): string[] {
  const lines = line === undefined ? tokens : [tokens[line] ?? []];
  for (const l of lines) {
    const found = l.find((t) => t.text === text);
    if (found) return found.scopes;
  }
  throw new Error(`no token ${JSON.stringify(text)}`);
}

describe('TextMate grammar (syntaxes/nix.tmLanguage.json)', () => {
  let grammar: IGrammar;
  before(async () => {
    grammar = await loadNixGrammar();
  });

  const inputs = [
    ...readdirSync(fixtures)
      .filter((f) => f.endsWith('.nix'))
      .map((f) => join(fixtures, f)),
    ...sharedFiles.map((f) => join(shared, f)),
  ].sort((a, b) => basename(a).localeCompare(basename(b)));
  for (const input of inputs) {
    const file = basename(input);
    it(`matches the scope snapshot of ${file}${update ? ' (updating)' : ''}`, () => {
      const actual = snapshot(grammar, readFileSync(input, 'utf8'));
      const snap = join(fixtures, `${file}.snap`);
      if (update || !existsSync(snap)) {
        writeFileSync(snap, actual);
        if (!update) assert.fail(`${file}.snap was missing and has been written: review and commit it`);
        return;
      }
      assert.equal(
        actual,
        readFileSync(snap, 'utf8'),
        'run UPDATE_SNAPSHOTS=1 node scripts/test.mjs unit to accept a change',
      );
    });
  }

  it('has a repository entry for every #include and a scope ending in .nix everywhere', () => {
    const raw = readFileSync(join(projectRoot, 'syntaxes', 'nix.tmLanguage.json'), 'utf8');
    const json = JSON.parse(raw) as { scopeName: string; repository: Record<string, unknown> };
    assert.equal(json.scopeName, NIX_SCOPE);
    const includes = [...raw.matchAll(/"include": "#([^"]+)"/g)].map((m) => m[1] ?? '');
    assert.deepEqual(
      includes.filter((name) => !(name in json.repository)),
      [],
    );
    const names = [...raw.matchAll(/"(?:name|contentName)": "([^"]+)"/g)].flatMap((m) =>
      (m[1] ?? '').split(' '),
    );
    assert.deepEqual(
      names.filter((n) => !n.endsWith('.nix') && n !== 'Nix'),
      [],
    );
  });

  it("contributes the grammar under its own scope, not Nix IDE's source.nix, and names that scope in package.json", () => {
    const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
      contributes: { grammars: { scopeName: string; path: string }[] };
    };
    const scopes = pkg.contributes.grammars.map((g) => g.scopeName);
    assert.deepEqual(scopes, [NIX_SCOPE]);
    assert.ok(!scopes.includes('source.nix'));
  });

  it('ties no grammar to the nix language: VS Code keeps the last one per language (extensions sorted by folder name), which would replace Nix IDE’s', () => {
    const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
      contributes: { grammars: { language?: string }[] };
    };
    assert.deepEqual(
      pkg.contributes.grammars.filter((g) => g.language !== undefined),
      [],
    );
  });

  it('scopes comments, strings, escapes and interpolations', () => {
    const t = tokenize(grammar, "# c\n/* b */ \"a\\n${x}\" ''q ''${y} ''' ${z}''");
    assert.ok(scopesOf(t, '# c'.slice(1)).includes('comment.line.number-sign.nix'));
    assert.ok(scopesOf(t, ' b ').includes('comment.block.nix'));
    assert.deepEqual(scopesOf(t, '\\n'), ['string.quoted.double.nix', 'constant.character.escape.nix']);
    assert.deepEqual(scopesOf(t, 'x'), [
      'string.quoted.double.nix',
      'meta.embedded.interpolation.nix',
      'source.nix',
      'variable.other.nix',
    ]);
    assert.deepEqual(scopesOf(t, "''$"), [
      'string.quoted.other.indented.nix',
      'constant.character.escape.nix',
    ]);
    assert.deepEqual(scopesOf(t, "'''"), [
      'string.quoted.other.indented.nix',
      'constant.character.escape.nix',
    ]);
    assert.ok(scopesOf(t, 'z').includes('meta.embedded.interpolation.nix'));
  });

  it('does not end an indented string at an escape and does not interpolate $${', () => {
    const t = tokenize(grammar, "x = ''a ''\\n $${b} ''' c'';\ny = 1;");
    assert.ok(scopesOf(t, ' c').includes('string.quoted.other.indented.nix'));
    assert.ok(!scopesOf(t, '{b} ', 0).includes('meta.embedded.interpolation.nix'));
    assert.deepEqual(scopesOf(t, 'y', 1), ['entity.other.attribute-name.nix']);
  });

  it('scopes attribute names in bindings, formals, and lambda parameters', () => {
    const t = tokenize(
      grammar,
      '{ config, lib ? null, ... }@args: x: {\n  nix."linux-builder".enable = lib.mkIf true 1;\n}',
    );
    assert.deepEqual(scopesOf(t, 'config'), [
      'meta.function.parameters.nix',
      'variable.parameter.function.nix',
    ]);
    assert.deepEqual(scopesOf(t, 'lib', 0), [
      'meta.function.parameters.nix',
      'variable.parameter.function.nix',
    ]);
    assert.deepEqual(scopesOf(t, 'args'), [
      'meta.function.parameters.nix',
      'variable.parameter.function.nix',
    ]);
    assert.deepEqual(scopesOf(t, 'x'), ['variable.parameter.function.nix']);
    assert.deepEqual(scopesOf(t, 'nix', 1), ['meta.attrset.nix', 'entity.other.attribute-name.nix']);
    assert.deepEqual(scopesOf(t, '"linux-builder"', 1), [
      'meta.attrset.nix',
      'string.quoted.double.nix',
      'entity.other.attribute-name.nix',
    ]);
    assert.deepEqual(scopesOf(t, 'mkIf', 1), ['meta.attrset.nix', 'support.function.lib.nix']);
    assert.deepEqual(scopesOf(t, 'true', 1), ['meta.attrset.nix', 'constant.language.nix']);
  });

  it('scopes paths, search paths, URIs and numbers as Nix lexes them', () => {
    const t = tokenize(grammar, 'f ./a/${b}/c <nixpkgs> https://x.org/y 1.5e3 .5 42 a/b a / b');
    assert.deepEqual(scopesOf(t, './a/'), ['string.unquoted.path.nix']);
    assert.deepEqual(scopesOf(t, '/c'), ['string.unquoted.path.nix']);
    assert.deepEqual(scopesOf(t, '<nixpkgs>'), ['string.unquoted.search-path.nix']);
    assert.deepEqual(scopesOf(t, 'https://x.org/y'), ['string.unquoted.uri.nix']);
    assert.deepEqual(scopesOf(t, '1.5e3'), ['constant.numeric.float.nix']);
    assert.deepEqual(scopesOf(t, '.5'), ['constant.numeric.float.nix']);
    assert.deepEqual(scopesOf(t, '42'), ['constant.numeric.integer.nix']);
    assert.deepEqual(scopesOf(t, 'a/b'), ['string.unquoted.path.nix']);
    assert.deepEqual(scopesOf(t, '/'), ['keyword.operator.arithmetic.nix']);
  });

  it('scopes keywords but not identifiers that contain them', () => {
    const t = tokenize(
      grammar,
      'let in-place = 1; inherit (pkgs) hello; in if a then rec { } else with b; c or d',
    );
    assert.deepEqual(scopesOf(t, 'let'), ['keyword.control.nix']);
    assert.deepEqual(scopesOf(t, 'in-place'), ['entity.other.attribute-name.nix']);
    assert.deepEqual(scopesOf(t, 'inherit'), ['keyword.other.inherit.nix']);
    assert.deepEqual(scopesOf(t, 'hello'), ['entity.other.attribute-name.nix']);
    assert.deepEqual(scopesOf(t, 'rec'), ['storage.modifier.rec.nix']);
    assert.deepEqual(scopesOf(t, 'or'), ['keyword.operator.or.nix']);
  });
});
