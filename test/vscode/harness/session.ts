/**
 * One browser session against a running code-server: either the in-host mocha run (payload with
 * extensionDevelopmentPath/extensionTestsPath, exit code through window.codeAutomationExit), or a
 * plain workbench page for the UI checks.
 */
import type { Browser, Page } from 'playwright-core';
import type { RunningCodeServer } from './codeServer.js';

export function workbenchUrl(
  server: RunningCodeServer,
  folder: string,
  payload?: Array<[string, string]>,
): string {
  const params = new URLSearchParams({ folder });
  if (payload) params.set('payload', JSON.stringify(payload));
  return `${server.url}/?${params.toString()}`;
}

export async function runInHostTests(
  browser: Browser,
  server: RunningCodeServer,
  folder: string,
  developmentPath: string,
  testsPath: string,
  timeoutMs: number,
): Promise<number> {
  const remote = (p: string): string => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const page = await browser.newPage();
  try {
    const exitCode = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    await page.goto(
      workbenchUrl(server, folder, [
        ['extensionDevelopmentPath', remote(developmentPath)],
        ['extensionTestsPath', remote(testsPath)],
      ]),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`in-host tests did not finish within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([exitCode, timeout]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await page.close();
  }
}

export async function openWorkbench(
  browser: Browser,
  server: RunningCodeServer,
  folder: string,
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await page.goto(workbenchUrl(server, folder));
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  return page;
}
