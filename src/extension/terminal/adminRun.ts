import { watch } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';

/**
 * A constant script: every variable part arrives as a positional argument ("$1"…), so nothing from
 * settings or the workspace is ever parsed by a shell. sudo runs in the visible terminal where the
 * user can answer its password prompt (we never prompt for or see it). The JSON goes to a temp file
 * that is renamed into place only when complete.
 */
export const ADMIN_SCRIPT = [
  'out="$1"; shift',
  'echo "Linux Builder Doctor: running the health checks as root, as the nix-daemon connects."',
  'echo "sudo may ask for your password."',
  'sudo -- env "$@" > "$out.part"',
  'mv -f "$out.part" "$out"',
  'printf "\\nDone: the results are in the Builder Health view. Press Enter to close. "',
  'read -r _',
].join('\n');

export interface AdminRun {
  terminal: vscode.Terminal;
  /** Resolves with the JSON text when the run finished, or undefined if the terminal closed first. */
  output: Promise<string | undefined>;
}

/**
 * `command` is what root runs, as argv: `K=V` environment pairs first (sudo resets the
 * environment; `env` sets them again), then the program and its arguments.
 */
export async function startAdminRun(command: string[]): Promise<AdminRun> {
  const dir = await mkdtemp(join(tmpdir(), 'linux-builder-doctor-admin-'));
  const outFile = join(dir, 'probe.json');
  const terminal = vscode.window.createTerminal({
    name: 'Linux Builder Doctor (admin checks)',
    shellPath: '/bin/sh',
    shellArgs: ['-c', ADMIN_SCRIPT, 'linux-builder-doctor-admin', outFile, ...command],
    iconPath: new vscode.ThemeIcon('shield'),
  });
  terminal.show();
  const output = new Promise<string | undefined>((resolve) => {
    const finish = (text: string | undefined): void => {
      watcher.close();
      closed.dispose();
      resolve(text);
      void rm(dir, { recursive: true, force: true });
    };
    const watcher = watch(dir, (_event, name) => {
      if (name === 'probe.json') readFile(outFile, 'utf8').then(finish, () => undefined);
    });
    const closed = vscode.window.onDidCloseTerminal((t) => {
      if (t === terminal) readFile(outFile, 'utf8').then(finish, () => finish(undefined));
    });
  });
  return { terminal, output };
}
