import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';

/** What the runner (test/vscode/run.ts) tells the in-host tests, in host-env.json next to the workspace. */
export interface HostEnv {
  statsFile: string;
  logFile: string;
  figuresFile: string;
  stagedRoot: string;
  system: string;
  /** True when the staged builder really answers (loopback); false: it is down. */
  builderUp: boolean;
  /** Test files (prefixes) this session runs; all when absent. */
  files?: string[];
}

export function hostEnv(): HostEnv {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the test workbench must open the fixture workspace');
  return JSON.parse(readFileSync(join(dirname(folder.uri.fsPath), 'host-env.json'), 'utf8')) as HostEnv;
}

export const EXTENSION_ID = 'linux-builder-doctor.linux-builder-doctor';

export async function pollUntil<T>(
  what: string,
  timeoutMs: number,
  probe: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function labelOf(item: vscode.TreeItem): string {
  const label = item.label;
  return typeof label === 'string' ? label : (label?.label ?? '');
}
