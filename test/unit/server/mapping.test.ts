import assert from 'node:assert/strict';
import { OpenDocument } from '../../../src/server/openDocument.js';
import type { CodeActionParams, MarkupContent, TextDocumentEdit } from 'vscode-languageserver';
import type { Located, ModuleInfo, OptionDefinition, Span } from '../../../src/nix/model.js';
import type { Finding } from '../../../src/protocol/findings.js';
import { hoverAt, optionPathAt } from '../../../src/server/hover.js';
import { analyzeNix } from '../../../src/rules/analyze.js';
import { locate } from '../../../src/nix/locate.js';
import { parseNix } from '../../../src/nix/parse.js';
import {
  completionsAt,
  enclosingSetPath,
  namespaceNames,
  typedAttrPath,
} from '../../../src/server/completion.js';
import { codeActionsFor, rangesMeet, type CodeActionOptions } from '../../../src/server/codeActions.js';
import { readDiagnosticData, toDiagnostic } from '../../../src/server/diagnostics.js';
import { parseSettings } from '../../../src/server/settings.js';
import { probeRunOptions } from '../../../src/server/probeOptions.js';
import type { AnalyzedVersion, DocumentState } from '../../../src/server/documents.js';
import { itemAt } from '../../util/itemAt.js';

const TEXT = `{ ... }:
{
  nix.linux-builder = {
    enable = true;
    
  };
  nix.buildMachines = [ {
    hostName = "x";
  } ];
}
`;

/** Spans of the n-th occurrence of `needle` in TEXT. */
function span(needle: string, nth = 0): Span {
  let from = -1;
  for (let i = 0; i <= nth; i++) from = TEXT.indexOf(needle, from + 1);
  assert.ok(from >= 0, needle);
  return { from, to: from + needle.length };
}

/** The locator's answer for TEXT, written by hand so these tests check only the server's mapping. */
function located(): Located {
  const body = { from: TEXT.indexOf('{', TEXT.indexOf(':')), to: TEXT.lastIndexOf('}') + 1 };
  const module: ModuleInfo = {
    span: { from: 0, to: body.to },
    body,
    prefix: [],
    kind: 'file',
    withScopes: [],
    explicitConfig: false,
  };
  const builderSet = { from: TEXT.indexOf('{', span('linux-builder').to), to: TEXT.indexOf('};') + 1 };
  const entry = { from: TEXT.indexOf('[ {') + 2, to: TEXT.indexOf('} ]') + 1 };
  const enable: OptionDefinition = {
    path: ['nix', 'linux-builder', 'enable'],
    pathSpans: [span('nix'), span('linux-builder'), span('enable')],
    ownLength: 1,
    nameSpan: span('enable'),
    bindingSpan: span('enable = true;'),
    value: { kind: 'bool', value: true, span: span('true') },
    conditional: false,
    priority: 'normal',
    module,
  };
  const hostName: OptionDefinition = {
    path: ['nix', 'buildMachines', '*', 'hostName'],
    pathSpans: [span('nix', 1), span('buildMachines'), entry, span('hostName')],
    ownLength: 1,
    nameSpan: span('hostName'),
    bindingSpan: span('hostName = "x";'),
    value: { kind: 'string', value: 'x', quote: 'double', span: span('"x"') },
    conditional: false,
    priority: 'normal',
    module,
    entrySpan: entry,
  };
  return {
    definitions: [enable, hostName],
    attrsets: [
      { path: ['nix', 'linux-builder'], span: builderSet, innerIndent: '    ', module },
      { path: ['nix', 'buildMachines', '*'], span: entry, innerIndent: '    ', module, entrySpan: entry },
    ],
    lists: [],
    modules: [module],
    systems: [],
    imports: [],
  };
}

const doc = (): OpenDocument => OpenDocument.create('file:///t.nix', 'nix', 3, TEXT);

describe('server mapping helpers', function () {
  describe('hover', function () {
    it('names the option whose path element is under the cursor, narrowest first', function () {
      const l = located();
      assert.deepEqual(optionPathAt(l, span('enable').from + 2)?.path, ['nix', 'linux-builder', 'enable']);
      assert.deepEqual(optionPathAt(l, span('linux-builder').from)?.path, ['nix', 'linux-builder']);
      assert.equal(optionPathAt(l, span('true').from + 1), undefined);
    });

    it('never names a list element as an option', function () {
      const l = located();
      // The cursor on `[ {` is inside the entry's span but the `*` element is not a name.
      assert.equal(optionPathAt(l, TEXT.indexOf('[ {') + 2), undefined);
      assert.deepEqual(optionPathAt(l, span('hostName').from)?.path, [
        'nix',
        'buildMachines',
        '*',
        'hostName',
      ]);
    });

    it('renders type, default and doc as Markdown with the name range', function () {
      const d = doc();
      const hover = hoverAt(d, located(), d.positionAt(span('enable').from + 1));
      assert.ok(hover);
      const value = (hover.contents as MarkupContent).value;
      assert.match(value, /nix\.linux-builder\.enable/);
      assert.match(value, /boolean/);
      assert.match(value, /`false`/);
      assert.deepEqual(hover.range, {
        start: d.positionAt(span('enable').from),
        end: d.positionAt(span('enable').to),
      });
    });
  });

  describe('hover on a finding', function () {
    const REPORT = '{\n  nix.linux-builder.config.sshOptions = [ "-p" "31022" ];\n}\n';

    it("shows the finding's reasoning (its detail) and the rule page, next to the option's docs", function () {
      const d = OpenDocument.create('file:///r.nix', 'nix', 1, REPORT);
      const { findings } = analyzeNix(REPORT);
      const hit = findings.find((f) => f.code === 'ssh-options');
      assert.ok(hit?.detail, 'ssh-options has a detail');
      const hover = hoverAt(
        d,
        locate(parseNix(REPORT)),
        hit.range.start,
        findings,
        'https://docs.test/rules',
      );
      assert.ok(hover);
      const value = (hover.contents as MarkupContent).value;
      assert.ok(value.includes(hit.detail), value);
      assert.match(value, /\[ssh-options\]\(https:\/\/docs\.test\/rules\/ssh-options\.md\)/);
    });

    it('says nothing of findings elsewhere in the file', function () {
      const d = OpenDocument.create('file:///r.nix', 'nix', 1, REPORT);
      const { findings } = analyzeNix(REPORT);
      assert.equal(hoverAt(d, locate(parseNix(REPORT)), { line: 0, character: 0 }, findings), null);
    });
  });

  describe('completion', function () {
    it('reads the dotted prefix typed where a binding starts', function () {
      assert.deepEqual(typedAttrPath('  nix.linux-builder.pro'), {
        segments: ['nix', 'linux-builder'],
        partial: 'pro',
      });
      assert.deepEqual(typedAttrPath('    '), { segments: [], partial: '' });
      assert.deepEqual(typedAttrPath('  { ena'), { segments: [], partial: 'ena' });
      assert.deepEqual(typedAttrPath('  a = 1; b'), { segments: [], partial: 'b' });
      assert.equal(typedAttrPath('    protocol = ss'), undefined);
      assert.equal(typedAttrPath('    x = [ "a" '), undefined);
      assert.equal(typedAttrPath('  .foo'), undefined);
    });

    it('finds the innermost set around the cursor', function () {
      const l = located();
      assert.deepEqual(enclosingSetPath(l, TEXT.indexOf('    \n') + 4), ['nix', 'linux-builder']);
      assert.deepEqual(enclosingSetPath(l, span('hostName').from), ['nix', 'buildMachines', '*']);
      assert.deepEqual(enclosingSetPath(l, TEXT.indexOf('  nix.buildMachines')), []);
      assert.equal(enclosingSetPath(l, 0), undefined);
    });

    it('offers the sets on the way down to documented options', function () {
      assert.deepEqual(namespaceNames([]), ['nix']);
      assert.deepEqual(namespaceNames(['nix']), ['buildMachines', 'linux-builder']);
      assert.deepEqual(namespaceNames(['nix', 'linux-builder', 'config', 'virtualisation']), [
        'darwin-builder',
      ]);
      const vmConfig = namespaceNames(['nix', 'linux-builder', 'config']);
      for (const name of ['virtualisation', 'boot', 'networking', 'services'])
        assert.ok(vmConfig.includes(name), name);
      assert.deepEqual(namespaceNames(['nix', 'buildMachines']), [], 'list elements are not names');
      assert.deepEqual(namespaceNames(['services']), []);
    });

    it('lists the builder options with a text edit over the typed word', function () {
      const d = doc();
      const position = d.positionAt(TEXT.indexOf('    \n') + 4);
      const items = completionsAt(d, located(), position);
      const labels = items.map((i) => i.label);
      for (const name of ['enable', 'protocol', 'systems', 'maxJobs', 'config'])
        assert.ok(labels.includes(name), name);
      const machine = completionsAt(d, located(), d.positionAt(span('hostName').from)).map((i) => i.label);
      for (const name of ['sshUser', 'sshKey', 'publicHostKey']) assert.ok(machine.includes(name), name);
    });
  });

  describe('diagnostics and code actions', function () {
    const finding: Finding = {
      range: { start: { line: 3, character: 4 }, end: { line: 3, character: 10 } },
      severity: 'error',
      code: 'ssh-options',
      message: 'msg',
      fixes: [
        {
          title: 'remove',
          isPreferred: true,
          edits: [
            { range: { start: { line: 3, character: 0 }, end: { line: 4, character: 0 } }, newText: '' },
          ],
        },
        { title: 'other', isPreferred: false, edits: [] },
      ],
    };
    const state = (version: number, analysed = version): DocumentState & { analysis: AnalyzedVersion } => ({
      uri: 'file:///t.nix',
      document: OpenDocument.create('file:///t.nix', 'nix', version, TEXT),
      analysis: { version: analysed, findings: [finding] },
      pending: [],
      dirty: false,
    });
    const options: CodeActionOptions = {
      docsBaseUrl: 'x',
      clientCommands: new Set(),
      showDocument: false,
      analyze: () => [],
    };
    const params = (
      diagnostics: CodeActionParams['context']['diagnostics'],
      only?: string[],
    ): CodeActionParams => ({
      textDocument: { uri: 'file:///t.nix' },
      range: { start: { line: 3, character: 5 }, end: { line: 3, character: 5 } },
      context: only ? { diagnostics, only } : { diagnostics },
    });

    it('maps a finding to a diagnostic with source, code, docs link and data', function () {
      const d = toDiagnostic(finding, 0, 7, 'file:///docs/rules');
      assert.equal(d.source, 'linux-builder-doctor');
      assert.equal(d.code, 'ssh-options');
      assert.equal(d.severity, 1);
      assert.equal(d.codeDescription?.href, 'file:///docs/rules/ssh-options.md');
      assert.deepEqual(readDiagnosticData(d), { version: 7, index: 0, fixes: ['remove', 'other'] });
      assert.equal(readDiagnosticData({ ...d, source: 'nil' }), undefined);
    });

    it('offers one versioned quick fix per fix, the preferred one marked', function () {
      const actions = codeActionsFor(state(3), params([toDiagnostic(finding, 0, 3, 'x')]), options);
      assert.deepEqual(
        actions.map((a) => [a.title, a.isPreferred, a.kind]),
        [
          ['remove', true, 'quickfix'],
          ['other', false, 'quickfix'],
        ],
      );
      const edit = itemAt(itemAt(actions, 0).edit?.documentChanges, 0) as TextDocumentEdit;
      assert.deepEqual(edit.textDocument, { uri: 'file:///t.nix', version: 3 });
      assert.deepEqual(edit.edits, itemAt(finding.fixes, 0).edits);
    });

    it('finds fixes by range when the client sends no diagnostics', function () {
      assert.equal(codeActionsFor(state(3), params([]), options).length, 2);
    });

    it('refuses diagnostics from another version and analyses of an older text', function () {
      assert.deepEqual(codeActionsFor(state(4), params([toDiagnostic(finding, 0, 3, 'x')]), options), []);
      assert.deepEqual(codeActionsFor(state(4, 3), params([]), options), []);
      // Diagnostics of the file as read from disk (published before it was opened) are not stale.
      assert.equal(codeActionsFor(state(4), params([toDiagnostic(finding, 0, -1, 'x')]), options).length, 2);
      // Fix all fixes the current text whatever the client shows (a save right after typing).
      assert.deepEqual(
        codeActionsFor(state(4), params([toDiagnostic(finding, 0, 3, 'x')], ['source.fixAll']), options).map(
          (a) => a.kind,
        ),
        ['source.fixAll.linuxBuilderDoctor'],
      );
    });

    it('ignores a same-version diagnostic whose index now names another finding (re-analysed after a settings change)', function () {
      const elsewhere: Finding = {
        ...finding,
        range: { start: { line: 8, character: 0 }, end: { line: 8, character: 3 } },
        code: 'unknown-option',
      };
      const s = state(3);
      s.analysis.findings = [elsewhere, finding];
      // The client's diagnostic says index 0, but index 0 is now another finding far away.
      const actions = codeActionsFor(s, params([toDiagnostic(finding, 0, 3, 'x')]), options);
      assert.deepEqual(
        actions.map((a) => a.diagnostics?.[0]?.code),
        ['ssh-options', 'ssh-options'],
      );
      assert.equal((itemAt(itemAt(actions, 0).diagnostics, 0).data as { index: number }).index, 1);
    });

    it('tags removed options as deprecated', function () {
      assert.deepEqual(toDiagnostic({ ...finding, code: 'removed-option' }, 0, 1, 'x').tags, [2]);
      assert.equal(toDiagnostic(finding, 0, 1, 'x').tags, undefined);
    });

    it('answers only for the kinds asked for (quick fixes, or source.fixAll and its parents)', function () {
      assert.deepEqual(codeActionsFor(state(3), params([], ['refactor']), options), []);
      assert.equal(codeActionsFor(state(3), params([], ['quickfix']), options).length, 2);
      for (const only of [['source'], ['source.fixAll'], ['source.fixAll.linuxBuilderDoctor']])
        assert.deepEqual(
          codeActionsFor(state(3), params([], only), options).map((a) => a.kind),
          ['source.fixAll.linuxBuilderDoctor'],
          only.join(),
        );
      assert.deepEqual(codeActionsFor(state(3), params([], ['source.organizeImports']), options), []);
      // Without `only` (the lightbulb), no source action: editors list those in their own menu.
      assert.ok(codeActionsFor(state(3), params([]), options).every((a) => a.kind === 'quickfix'));
    });

    it('offers Disable rule and Show documentation once per rule, carrying the client commands', function () {
      const withCommands: CodeActionOptions = {
        ...options,
        clientCommands: new Set([
          'linuxBuilderDoctor.disableRule',
          'linuxBuilderDoctor.showRuleDocumentation',
        ]),
      };
      const s = state(3);
      s.analysis.findings = [finding, { ...finding, fixes: [] }];
      const actions = codeActionsFor(s, params([]), withCommands);
      assert.deepEqual(
        actions.map((a) => [a.title, a.command?.command, a.command?.arguments, a.diagnostics?.length]),
        [
          ['remove', undefined, undefined, 1],
          ['other', undefined, undefined, 1],
          ['Disable rule ssh-options', 'linuxBuilderDoctor.disableRule', ['ssh-options'], 2],
          [
            'Show documentation for ssh-options',
            'linuxBuilderDoctor.showRuleDocumentation',
            ['ssh-options'],
            2,
          ],
        ],
      );
    });

    it('opens documentation through the server for a client that can show documents but has no command', function () {
      const actions = codeActionsFor(state(3), params([]), { ...options, showDocument: true });
      assert.deepEqual(
        actions.slice(2).map((a) => [a.title, a.command?.command, a.command?.arguments]),
        [['Show documentation for ssh-options', 'linuxBuilderDoctor.server.openRulePage', ['ssh-options']]],
      );
    });

    it('treats touching ranges as meeting', function () {
      const r = (a: number, b: number) => ({
        start: { line: 0, character: a },
        end: { line: 0, character: b },
      });
      assert.ok(rangesMeet(r(0, 5), r(5, 5)));
      assert.ok(!rangesMeet(r(0, 5), r(6, 7)));
    });
  });

  describe('settings', function () {
    it('reads nested, flat and wrapped shapes and ignores ill-typed values', function () {
      const nested = parseSettings(
        {
          rules: { disabled: ['ssh-options', 3] },
          probes: { timeoutMilliseconds: 500, root: '/tmp/r', trustRoot: true },
          builderHost: 'b',
        },
        'file:///d/',
      );
      assert.deepEqual(nested, {
        disabledRules: ['ssh-options'],
        probeTimeoutMs: 500,
        probeRoot: '/tmp/r',
        probeTrustRoot: true,
        builderHost: 'b',
        docsBaseUrl: 'file:///d',
      });
      assert.deepEqual(parseSettings({ 'rules.disabled': ['x'] }, 'd').disabledRules, ['x']);
      assert.deepEqual(
        parseSettings({ linuxBuilderDoctor: { rules: { disabled: ['y'] } } }, 'd').disabledRules,
        ['y'],
      );
      // docsBaseUrl is not a setting: the links always point at the bundled pages.
      // trustRoot only as a real boolean: 'true' from a confused client does not trust a staged root.
      assert.deepEqual(
        parseSettings(
          { probes: { timeoutMilliseconds: -1, trustRoot: 'true' }, docsBaseUrl: 'https://e/x/' },
          'd',
        ),
        {
          disabledRules: [],
          probeTimeoutMs: undefined,
          probeRoot: undefined,
          probeTrustRoot: false,
          builderHost: undefined,
          docsBaseUrl: 'd',
        },
      );
      assert.deepEqual(parseSettings(null, 'd').disabledRules, []);
    });

    it('lets request parameters override settings for a probe run, dropping unknown probe ids', function () {
      const settings = parseSettings(
        { probes: { timeoutMilliseconds: 500, root: '/s' }, builderHost: 'h' },
        'd',
      );
      const signal = new AbortController().signal;
      assert.deepEqual(
        probeRunOptions({ runId: 'r', root: '/p', only: ['platform', 'bogus' as never] }, settings, signal),
        { signal, root: '/p', timeoutMs: 500, builderHost: 'h', only: ['platform'] },
      );
    });
  });
});
