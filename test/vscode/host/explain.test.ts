/**
 * Explain in the real extension host: the terminal link provider that the extension registers for
 * every integrated terminal, driven through its API here (provideTerminalLinks on the line a real
 * terminal printed, then what a click does), and "Explain Error Text" on an editor selection. The
 * click in the real UI ("Open Detected Link…" on a terminal line) is checked in ui.ts.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './hostEnv.js';
import { assertRenderedAndClosable, dirtyDocuments } from './rendered.js';

interface ExplainProblem {
  cause: string;
  summary: string;
  fix?: { summary: string };
  definitions?: { rule: string; file: string; line: number }[];
}
interface Shown {
  result: { problems: ExplainProblem[] };
  message: string;
  actions: string[];
  showDetails: () => Promise<vscode.TextDocument>;
}
interface ExplainLink extends vscode.TerminalLink {
  line: string;
}
interface DoctorApi {
  serverReady: Promise<void>;
  explainLinks: vscode.TerminalLinkProvider<ExplainLink> & {
    explainLink(link: ExplainLink): Promise<Shown | undefined>;
  };
}

const LINE =
  "cannot build on 'ssh-ng://builder@linux-builder': error: failed to start SSH connection to 'builder@linux-builder'";

/** A terminal that prints `text` (a real integrated terminal, no shell). */
function printingTerminal(text: string): vscode.Terminal {
  const write = new vscode.EventEmitter<string>();
  const pty: vscode.Pseudoterminal = {
    onDidWrite: write.event,
    open: () => write.fire(`${text}\r\n`),
    close: () => write.dispose(),
  };
  return vscode.window.createTerminal({ name: 'build log', pty });
}

describe('explain: terminal links and "Explain Error Text"', () => {
  let api: DoctorApi;

  before(async () => {
    api = await vscode.extensions.getExtension<DoctorApi>(EXTENSION_ID)!.activate();
    await api.serverReady;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a `cannot build on …` line in a terminal is a link; clicking it shows the cause and fix with Run Health Checks', async () => {
    const terminal = printingTerminal(`  ${LINE}`);
    try {
      const links = await api.explainLinks.provideTerminalLinks(
        { line: `  ${LINE}`, terminal },
        new vscode.CancellationTokenSource().token,
      );
      assert.equal(links?.length, 1);
      const link = links[0];
      assert.ok(link);
      assert.equal(link.startIndex, 2, 'the link starts at the error, not the indentation');
      assert.equal(link.length, LINE.length);
      const shown = await api.explainLinks.explainLink(link);
      assert.ok(shown, 'the click shows something');
      assert.deepEqual(
        shown.result.problems.map((p) => p.cause),
        ['ssh-connection-failed'],
      );
      assert.match(shown.message, /ssh-connection-failed: .*Fix: /);
      assert.ok(shown.actions.includes('Run Health Checks'));
      // "Show Details": the explanation rendered read-only, not an untitled document to save.
      assert.ok(shown.actions.includes('Show Details'));
      const before = dirtyDocuments();
      const details = await shown.showDetails();
      assert.ok(details.getText().includes('ssh-connection-failed'), details.getText());
      await assertRenderedAndClosable(details, 'details.md', before);
    } finally {
      terminal.dispose();
    }
  });

  it('ordinary terminal lines are not links', async () => {
    const terminal = printingTerminal('building /nix/store/abc-hello.drv');
    try {
      for (const line of [
        'building /nix/store/abc-hello.drv',
        '$ ls -la',
        'copying path from https://cache.nixos.org',
      ]) {
        assert.deepEqual(
          await api.explainLinks.provideTerminalLinks(
            { line, terminal },
            new vscode.CancellationTokenSource().token,
          ),
          [],
        );
      }
    } finally {
      terminal.dispose();
    }
  });

  it('"Explain Error Text" on a selected option error names the rule and the line in the workspace, with Open Definition', async () => {
    const text =
      'error: The option `sshOptions\' does not exist. Definition values:\n- In `/nix/store/abc-source/darwin-configuration.nix\', via option nix.linux-builder.config:\n    [ "-p" ]\n';
    // A file, not an untitled buffer: nothing is left dirty for the tests that follow.
    const file = join(mkdtempSync(join(tmpdir(), 'lbd-explain-')), 'build.log');
    writeFileSync(file, text);
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(0, 0, document.lineCount, 0);
    const shown = await vscode.commands.executeCommand<Shown | undefined>(
      'linuxBuilderDoctor.explainErrorText',
    );
    assert.ok(shown);
    const [problem] = shown.result.problems;
    assert.equal(problem?.cause, 'option-does-not-exist');
    // The workspace's darwin-configuration.nix line 8; the corporate-mac flake in the folder (for
    // wholeConfig.test.ts) defines sshOptions too, and is named as well.
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const named = (problem.definitions ?? []).map((d) => `${d.rule} ${relative(folder, d.file)}:${d.line}`);
    assert.deepEqual(named.sort(), [
      'ssh-options corporate-mac/hosts/work-mac.nix:17',
      'ssh-options darwin-configuration.nix:8',
    ]);
    assert.ok(shown.actions.includes('Open Definition'));
  });
});
