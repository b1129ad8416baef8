import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, hostEnv } from './hostEnv.js';
import { itemAt } from '../../util/itemAt.js';

// Local mirrors of the shapes (src/protocol/probes.ts); the in-host bundle stays self-contained.
interface ProbeResult {
  id: string;
  title: string;
  status: string;
  cause?: string;
  summary: string;
  fix?: { summary: string; commands?: string[] };
}
interface ProbeReport {
  results: ProbeResult[];
  verdict: { cause: string; summary: string };
}
interface DoctorApi {
  serverReady: Promise<void>;
}

/**
 * "Fix…" on a hostile value, in the real extension host: a copy of the healthy staged Mac whose
 * /etc/ssh/ssh_config lost its Include and whose drop-in is named with quotes and newlines, so the
 * Include fix would carry the name. Typed with its newlines, the old fix ran `touch PWNED` with no
 * Enter pressed; now no command is offered and no terminal gets any text.
 */
describe('"Fix…" with a hostile value runs nothing', () => {
  const env = hostEnv();
  let mac: string;

  before(async () => {
    await vscode.extensions
      .getExtension<DoctorApi>(EXTENSION_ID)!
      .activate()
      .then((api) => api.serverReady);
    mac = mkdtempSync(join(tmpdir(), 'lbd-hostile-mac-'));
    cpSync(env.stagedRoot, mac, { recursive: true });
    writeFileSync(join(mac, 'etc/ssh/ssh_config'), '# managed elsewhere: no Include\n');
    const dropIns = join(mac, 'etc/ssh/ssh_config.d');
    renameSync(join(dropIns, '100-linux-builder.conf'), join(dropIns, "100-x'\ntouch PWNED\n'.conf"));
  });
  after(async () => {
    await vscode.workspace
      .getConfiguration('linuxBuilderDoctor')
      .update('probes.root', env.stagedRoot, vscode.ConfigurationTarget.Global);
    rmSync(mac, { recursive: true, force: true });
  });

  it('offers no command for a file name with newlines, opens no terminal, and nothing is created', async () => {
    await vscode.workspace
      .getConfiguration('linuxBuilderDoctor')
      .update('probes.root', mac, vscode.ConfigurationTarget.Global);
    const report = await vscode.commands.executeCommand<ProbeReport>('linuxBuilderDoctor.runHealthChecks');
    const probe = report.results.find((r) => r.cause === 'ssh-config-not-included');
    assert.ok(
      probe,
      `a probe names ssh-config-not-included: ${report.verdict.cause}: ${report.verdict.summary}`,
    );
    assert.ok(probe.fix, 'it has a fix');
    assert.equal(probe.fix.commands, undefined, `no command: ${JSON.stringify(probe.fix)}`);
    assert.match(probe.fix.summary, /control character/);
    const folder = itemAt(vscode.workspace.workspaceFolders, 0).uri.fsPath;
    const terminalsBefore = vscode.window.terminals.length;
    // A fix without commands shows its text in a message that waits for the user: not awaited here.
    void vscode.commands.executeCommand('linuxBuilderDoctor.fixProbe', probe.id);
    // What a typed newline would have run shows up as a file in the terminal's folder within moments.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(vscode.window.terminals.length, terminalsBefore, 'no terminal was opened');
    for (const dir of [folder, mac])
      assert.ok(!existsSync(join(dir, 'PWNED')), `${dir}: ${readdirSync(dir).join(', ')}`);
  });
});
