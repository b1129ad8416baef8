/**
 * UI checks of the packaged extension in the real workbench, through Debian's Chromium: what a
 * user sees. Each check counts as one test; screenshots go to test-artifacts/vscode/ (the README's
 * are copied from there into media/ by hand after looking at them).
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { RunningCodeServer } from './harness/codeServer.js';
import { openWorkbench } from './harness/session.js';

export interface UiStats { passed: number; failed: number }

async function check(stats: UiStats, page: Page, artifacts: string, title: string, body: () => Promise<void>): Promise<void> {
  const started = Date.now();
  try {
    await body();
    stats.passed++;
    console.log(`  ✔ UI: ${title} (${Date.now() - started} ms)`);
  } catch (error) {
    stats.failed++;
    const shot = join(artifacts, `failed-${title.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
    await page.screenshot({ path: shot }).catch(() => undefined);
    console.log(`  ✘ UI: ${title}\n      ${error instanceof Error ? error.message.split('\n').join('\n      ') : String(error)}\n      screenshot: ${shot}`);
  }
}

async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 20_000 });
  await input.fill(name);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  await page.locator(`.tab[aria-label*="${name}"]`).first().waitFor({ timeout: 20_000 });
}

export async function runUiChecks(browser: Browser, server: RunningCodeServer, workspace: string, artifacts: string): Promise<UiStats> {
  const stats: UiStats = { passed: 0, failed: 0 };
  const page = await openWorkbench(browser, server, workspace);
  try {
    await check(stats, page, artifacts, 'the Problems panel lists the ssh-options error for a .nix file', async () => {
      await openFile(page, 'darwin-configuration.nix');
      await page.keyboard.press('Control+Shift+M');
      const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'sshOptions does not exist' }).first();
      await row.waitFor({ timeout: 60_000 });
      await page.screenshot({ path: join(artifacts, 'problems.png') });
    });

    await check(stats, page, artifacts, 'the lightbulb offers the preferred quick fix and applying it removes the error', async () => {
      await page.locator('.markers-panel .monaco-list-row', { hasText: 'sshOptions does not exist' }).first().click();
      await page.locator('.monaco-editor .view-line', { hasText: 'sshOptions' }).first().waitFor({ timeout: 10_000 });
      await page.locator('.monaco-editor .view-line', { hasText: 'sshOptions' }).first().click();
      await page.keyboard.press('Control+.');
      const menu = page.locator('.action-widget');
      await menu.locator('.monaco-list-row', { hasText: 'Remove sshOptions' }).first().waitFor({ timeout: 20_000 });
      await page.screenshot({ path: join(artifacts, 'quickfix.png') });
      await menu.locator('.monaco-list-row', { hasText: 'Remove sshOptions' }).first().click();
      await page.locator('.markers-panel .monaco-list-row', { hasText: 'sshOptions does not exist' }).first().waitFor({ state: 'detached', timeout: 30_000 });
      const text = await page.locator('.monaco-editor .view-lines').first().innerText();
      if (text.includes('sshOptions')) throw new Error(`sshOptions still in the editor:\n${text}`);
    });

    await check(stats, page, artifacts, 'the command palette (F1) offers "Nix: Test Linux Builder"', async () => {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: 20_000 });
      await input.fill('>Test Linux Builder');
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Nix: Test Linux Builder' }).first().waitFor({ timeout: 20_000 });
      await page.screenshot({ path: join(artifacts, 'palette.png') });
      await page.keyboard.press('Escape');
    });

    await check(stats, page, artifacts, 'the Builder Health sidebar shows the verdict and probe rows', async () => {
      await page.locator('.activitybar .action-item a[aria-label^="Linux Builder Doctor"], .activitybar .action-item[aria-label^="Linux Builder Doctor"]').first().click();
      const rows = page.locator('.sidebar .monaco-list-row');
      await rows.filter({ hasText: 'Verdict' }).first().waitFor({ timeout: 90_000 });
      await rows.filter({ hasText: 'SSH' }).first().waitFor({ timeout: 10_000 });
      const count = await rows.count();
      if (count < 5) throw new Error(`only ${count} rows in the sidebar`);
      await page.screenshot({ path: join(artifacts, 'health.png') });
    });
  } finally {
    await page.close();
  }
  return stats;
}
