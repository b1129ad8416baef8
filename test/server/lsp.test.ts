import assert from 'node:assert/strict';
import type {
  CodeAction,
  CompletionItem,
  Diagnostic,
  Hover,
  InitializeResult,
  MarkupContent,
  TextEdit,
} from 'vscode-languageserver';
import { LspClient, applyChanges, offsetAt, positionAt, waitFor } from './lspClient.js';
import { itemAt } from '../util/itemAt.js';

/** The user's failed attempt (USER-REPORT.md): `sshOptions` inside the VM's NixOS config. */
const SSH_OPTIONS_MODULE = `{ config, pkgs, ... }:
{
  nix.linux-builder = {
    enable = true;
    systems = [ "aarch64-linux" "x86_64-linux" ];
    config = {
      boot.binfmt.emulatedSystems = [ "x86_64-linux" ];
      sshOptions = [
        "-p" "31022"
        "-l" "builder"
        "-o" "StrictHostKeyChecking=no"
      ];
    };
  };
}
`;
const SSH_OPTIONS_LINE = 7;

const codes = (diagnostics: Diagnostic[]): string[] => diagnostics.map((d) => String(d.code)).sort();
const summary = (diagnostics: Diagnostic[]) =>
  diagnostics
    .map((d) => ({ code: d.code, range: d.range, severity: d.severity, message: d.message }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/** Applies a TextDocumentEdit's edits (all relative to the same original text) like a client does. */
function applyTextEdits(text: string, edits: TextEdit[]): string {
  const withOffsets = edits.map((e) => ({
    from: offsetAt(text, e.range.start),
    to: offsetAt(text, e.range.end),
    newText: e.newText,
  }));
  withOffsets.sort((a, b) => b.from - a.from || b.to - a.to);
  for (const e of withOffsets) text = text.slice(0, e.from) + e.newText + text.slice(e.to);
  return text;
}

function markdown(hover: Hover | null): string {
  assert.ok(hover, 'expected a hover');
  return (hover.contents as MarkupContent).value;
}

describe('language server over stdio', function () {
  let client: LspClient;
  let initialize: InitializeResult;
  let n = 0;
  const nextUri = (name = 'configuration'): string => `file:///tmp/lbd-server-test/${++n}/${name}.nix`;

  before(async function () {
    ({ client, initialize } = await LspClient.start());
  });

  after(async function () {
    const code = await client.stop();
    assert.equal(code, 0, `server exit code; stderr: ${client.stderr.join('')}`);
  });

  it('announces incremental sync, quick fixes and fix all, hover and completion', function () {
    const caps = initialize.capabilities;
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2, save: { includeText: false } });
    assert.equal(caps.hoverProvider, true);
    assert.ok(caps.completionProvider?.triggerCharacters?.includes('.'));
    assert.deepEqual((caps.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds, [
      'quickfix',
      'source.fixAll.linuxBuilderDoctor',
    ]);
    // No server-side commands for a client that cannot show documents (this one).
    assert.equal(caps.executeCommandProvider, undefined);
    assert.equal(initialize.serverInfo?.name, 'linux-builder-doctor');
  });

  it('reports nix.linux-builder.config.sshOptions as ssh-options with source, docs link and fix data', async function () {
    const uri = nextUri();
    await client.open(uri, SSH_OPTIONS_MODULE);
    const diagnostics = await client.diagnostics(uri, 1);
    const found = diagnostics.find((d) => d.code === 'ssh-options');
    assert.ok(found, `no ssh-options diagnostic in ${JSON.stringify(codes(diagnostics))}`);
    assert.equal(found.source, 'linux-builder-doctor');
    assert.equal(found.range.start.line, SSH_OPTIONS_LINE);
    assert.match(found.codeDescription?.href ?? '', /\/ssh-options\.md$/);
    const data = found.data as { version: number; fixes: string[] };
    assert.equal(data.version, 1);
    assert.ok(data.fixes.length > 0, 'the finding carries its fixes');
  });

  it('reports the dotted spelling nix.linux-builder.config.sshOptions = [ … ]; on its line', async function () {
    const uri = nextUri();
    const text =
      '{\n  nix.linux-builder.enable = true;\n  nix.linux-builder.config.sshOptions = [ "-p" "31022" ];\n}\n';
    await client.open(uri, text);
    const found = (await client.diagnostics(uri, 1)).find((d) => d.code === 'ssh-options');
    assert.ok(found, 'no ssh-options diagnostic');
    assert.equal(found.range.start.line, 2);
  });

  it('gives the same diagnostics after incremental edits as after opening the final text', async function () {
    const uri = nextUri();
    let text = SSH_OPTIONS_MODULE;
    await client.open(uri, text);
    await client.diagnostics(uri, 1);
    const edits: Parameters<LspClient['change']>[1][] = [];
    // Type a new (misplaced) option keystroke by keystroke after `enable = true;`.
    const typed = '\n    hostPort = 31023;';
    const at = positionAt(text, text.indexOf('enable = true;') + 'enable = true;'.length);
    for (let i = 0; i < typed.length; i++) {
      const before = typed.slice(0, i);
      const lines = before.split('\n');
      const pos =
        lines.length === 1
          ? { line: at.line, character: at.character + before.length }
          : { line: at.line + lines.length - 1, character: itemAt(lines, -1).length };
      edits.push([{ range: { start: pos, end: pos }, text: itemAt([...typed], i) }]);
    }
    // One notification with several changes, the later one in the text first: each change is in
    // the coordinates of the text the previous change produced.
    edits.push([
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# a comment\n' },
      { range: { start: { line: 6, character: 0 }, end: { line: 7, character: 0 } }, text: '' },
      { range: { start: { line: 0, character: 2 }, end: { line: 0, character: 3 } }, text: 'A' },
    ]);
    // Delete a whole region spanning lines, then retype part of it.
    edits.push([{ range: { start: { line: 9, character: 0 }, end: { line: 11, character: 0 } }, text: '' }]);
    edits.push([
      {
        range: { start: { line: 9, character: 0 }, end: { line: 9, character: 0 } },
        text: '        "-l" "builder"\n',
      },
    ]);
    let version = 1;
    for (const changes of edits) {
      text = applyChanges(text, changes);
      version = await client.change(uri, changes);
    }
    const incremental = await client.diagnostics(uri, version);
    const freshUri = nextUri('fresh');
    await client.open(freshUri, text);
    const fresh = await client.diagnostics(freshUri, 1);
    assert.deepEqual(summary(incremental), summary(fresh));
    // The typed `hostPort` (a VM option misplaced under nix.linux-builder) is found, on its line.
    const hostPort = fresh.find((d) => d.code === 'unknown-option');
    assert.ok(hostPort, `expected unknown-option in ${JSON.stringify(codes(fresh))}`);
    assert.equal(
      hostPort.range.start.line,
      text.split('\n').findIndex((l) => l.includes('hostPort')),
    );
    assert.ok(
      codes(fresh).includes('ssh-options'),
      `expected ssh-options in ${JSON.stringify(codes(fresh))}`,
    );
  });

  it('round-trips the preferred ssh-options fix: applying its edit clears the finding', async function () {
    const uri = nextUri();
    await client.open(uri, SSH_OPTIONS_MODULE);
    const diagnostic = (await client.diagnostics(uri, 1)).find((d) => d.code === 'ssh-options');
    assert.ok(diagnostic, 'no ssh-options diagnostic');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    });
    assert.ok(actions.length > 0, 'no code actions');
    for (const action of actions) {
      assert.equal(action.kind, 'quickfix');
      assert.deepEqual(
        action.diagnostics?.map((d) => d.code),
        ['ssh-options'],
      );
    }
    const preferred = actions.filter((a) => a.isPreferred);
    assert.equal(preferred.length, 1, 'exactly one preferred fix');
    const change = itemAt(preferred, 0).edit?.documentChanges?.[0];
    assert.ok(change && 'edits' in change, 'a TextDocumentEdit');
    assert.deepEqual(change.textDocument, { uri, version: 1 });
    const fixed = applyTextEdits(SSH_OPTIONS_MODULE, change.edits as TextEdit[]);
    assert.notEqual(fixed, SSH_OPTIONS_MODULE);
    const version = await client.change(uri, [{ text: fixed }]);
    const after = await client.diagnostics(uri, version);
    assert.ok(!codes(after).includes('ssh-options'), `still reported: ${JSON.stringify(after)}`);
  });

  it('refuses fixes computed for an older version of the document', async function () {
    const uri = nextUri();
    await client.open(uri, SSH_OPTIONS_MODULE);
    const stale = (await client.diagnostics(uri, 1)).find((d) => d.code === 'ssh-options');
    assert.ok(stale, 'no ssh-options diagnostic');
    const version = await client.change(uri, [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' },
    ]);
    const staleActions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: stale.range,
      context: { diagnostics: [stale] },
    });
    assert.deepEqual(staleActions, []);
    const current = (await client.diagnostics(uri, version)).find((d) => d.code === 'ssh-options');
    assert.ok(current);
    assert.equal(current.range.start.line, SSH_OPTIONS_LINE + 1);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: current.range,
      context: { diagnostics: [current] },
    });
    assert.ok(actions.length > 0);
    for (const action of actions) {
      const edit = action.edit?.documentChanges?.[0];
      assert.ok(edit && 'textDocument' in edit);
      assert.equal(edit.textDocument.version, version, 'edits carry the version they apply to');
    }
  });

  it('offers no quick fix where there is no finding, and none when only other kinds are asked for', async function () {
    const uri = nextUri();
    await client.open(uri, SSH_OPTIONS_MODULE);
    const diagnostic = (await client.diagnostics(uri, 1)).find((d) => d.code === 'ssh-options');
    assert.ok(diagnostic);
    const elsewhere = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
      context: { diagnostics: [] },
    });
    assert.deepEqual(elsewhere, []);
    const refactors = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], only: ['refactor'] },
    });
    assert.deepEqual(refactors, []);
  });

  it('shows type and default on hover over enable and protocol', async function () {
    const uri = nextUri();
    const text =
      '{ lib, ... }:\n{\n  nix.linux-builder = {\n    enable = true;\n    protocol = "ssh";\n  };\n  nix.linux-builder.maxJobs = 4;\n}\n';
    await client.open(uri, text);
    const hoverAt = (needle: string, delta = 1) => {
      const position = positionAt(text, text.indexOf(needle) + delta);
      return client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
    };
    const enable = markdown(await hoverAt('enable'));
    assert.match(enable, /nix\.linux-builder\.enable/);
    assert.match(enable, /boolean/);
    assert.match(enable, /Default:\*? `false`/);
    const protocol = markdown(await hoverAt('protocol'));
    assert.match(protocol, /string/);
    assert.match(protocol, /"ssh-ng"/);
    // A dotted definition: hovering its last name shows that option.
    assert.match(markdown(await hoverAt('maxJobs')), /nix\.linux-builder\.maxJobs/);
    // Values are not option names.
    assert.equal(await hoverAt('"ssh"', 2), null);
  });

  it('shows the docs of VM options and buildMachines entry fields on hover', async function () {
    const uri = nextUri();
    const text = [
      '{',
      '  nix.linux-builder.config = { pkgs, ... }: {',
      '    virtualisation.darwin-builder.hostPort = 31022;',
      '  };',
      '  nix.buildMachines = [ { hostName = "builder"; sshUser = "builder"; } ];',
      '}',
      '',
    ].join('\n');
    await client.open(uri, text);
    const hover = async (needle: string) =>
      markdown(
        await client.request<Hover | null>('textDocument/hover', {
          textDocument: { uri },
          position: positionAt(text, text.indexOf(needle) + 1),
        }),
      );
    const hostPort = await hover('hostPort');
    assert.match(hostPort, /nix\.linux-builder\.config\.virtualisation\.darwin-builder\.hostPort/);
    assert.match(hostPort, /31022/);
    assert.match(await hover('sshUser'), /nix\.buildMachines\.\*\.sshUser/);
  });

  it('completes option names under nix.linux-builder, in buildMachines entries and in the VM options', async function () {
    const uri = nextUri();
    const text = [
      '{ ... }:',
      '{',
      '  nix.linux-builder = {',
      '    enable = true;',
      '    ',
      '    config = {',
      '      virtualisation.darwin-builder = {',
      '        ',
      '      };',
      '    };',
      '  };',
      '  nix.buildMachines = [ {',
      '    hostName = "example";',
      '    ',
      '  } ];',
      '  ',
      '}',
      '',
    ].join('\n');
    await client.open(uri, text);
    const labelsAt = async (line: number, character: number) =>
      (
        await client.request<CompletionItem[] | null>('textDocument/completion', {
          textDocument: { uri },
          position: { line, character },
        })
      )?.map((i) => i.label) ?? [];
    const builder = await labelsAt(4, 4);
    for (const name of ['protocol', 'systems', 'maxJobs', 'config', 'ephemeral'])
      assert.ok(builder.includes(name), `${name} missing from ${JSON.stringify(builder)}`);
    assert.ok(!builder.includes('sshOptions'));
    const vm = await labelsAt(7, 8);
    for (const name of ['hostPort', 'memorySize', 'diskSize'])
      assert.ok(vm.includes(name), `${name} missing from ${JSON.stringify(vm)}`);
    const machine = await labelsAt(13, 4);
    for (const name of ['sshUser', 'sshKey', 'publicHostKey', 'systems'])
      assert.ok(machine.includes(name), `${name} missing from ${JSON.stringify(machine)}`);

    // A dotted prefix typed at the module's top level.
    const version = await client.change(uri, [
      {
        range: { start: { line: 15, character: 2 }, end: { line: 15, character: 2 } },
        text: 'nix.linux-builder.pro',
      },
    ]);
    await client.diagnostics(uri, version);
    const items = await client.request<CompletionItem[]>('textDocument/completion', {
      textDocument: { uri },
      position: { line: 15, character: 23 },
    });
    const protocol = items.find((i) => i.label === 'protocol');
    assert.ok(protocol, `protocol missing from ${JSON.stringify(items.map((i) => i.label))}`);
    assert.deepEqual((protocol.textEdit as TextEdit).range, {
      start: { line: 15, character: 20 },
      end: { line: 15, character: 23 },
    });

    // On the way down: `nix` at the top level, `darwin-builder` under the VM's virtualisation.
    const top = await labelsAt(15, 2);
    assert.ok(top.includes('nix'), JSON.stringify(top));
    const v2 = await client.change(uri, [
      {
        range: { start: { line: 15, character: 2 }, end: { line: 15, character: 23 } },
        text: 'nix.linux-builder.config.virtualisation.',
      },
    ]);
    await client.diagnostics(uri, v2);
    const vmSets = await labelsAt(15, 42);
    assert.ok(vmSets.includes('darwin-builder') && vmSets.includes('cores'), JSON.stringify(vmSets));
  });

  it('offers no option names in value position', async function () {
    const uri = nextUri();
    const text = '{\n  nix.linux-builder = {\n    protocol = \n  };\n}\n';
    await client.open(uri, text);
    const items = await client.request<CompletionItem[] | null>('textDocument/completion', {
      textDocument: { uri },
      position: { line: 2, character: 15 },
    });
    assert.deepEqual(items ?? [], []);
  });

  it('keeps serving after a malformed file and clears diagnostics on close', async function () {
    const uri = nextUri();
    await client.open(uri, '{ nix.linux-builder = { enable = true; ; ${ "\n');
    await client.diagnostics(uri, 1);
    const good = nextUri();
    await client.open(good, SSH_OPTIONS_MODULE);
    assert.ok(codes(await client.diagnostics(good, 1)).includes('ssh-options'));
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: good } });
    const count = client.notifications.length;
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await waitFor('empty diagnostics on close', () =>
      client.notifications
        .slice(count)
        .find(
          (m) =>
            m.method === 'textDocument/publishDiagnostics' &&
            (m.params as { uri: string; diagnostics: unknown[] }).uri === uri &&
            (m.params as { diagnostics: unknown[] }).diagnostics.length === 0,
        ),
    );
  });
});
