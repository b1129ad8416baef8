/**
 * UI checks of the packaged extension in the real workbench, through Debian's Chromium: what a
 * user sees. Each check counts as one test; screenshots go to test-artifacts/vscode/ (the README's
 * are copied from there into media/ by hand after looking at them).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { RunningCodeServer } from './harness/codeServer.js';
import { openWorkbench } from './harness/session.js';
import { causeHeadline } from '../../src/protocol/causeHeadlines.js';

export interface UiStats {
  passed: number;
  failed: number;
}

async function check(
  stats: UiStats,
  page: Page,
  artifacts: string,
  title: string,
  body: () => Promise<void>,
): Promise<void> {
  const started = Date.now();
  try {
    await body();
    stats.passed++;
    console.log(`  ✔ UI: ${title} (${Date.now() - started} ms)`);
  } catch (error) {
    stats.failed++;
    const shot = join(artifacts, `failed-${title.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
    await page.screenshot({ path: shot }).catch(() => undefined);
    console.log(
      `  ✘ UI: ${title}\n      ${error instanceof Error ? error.message.split('\n').join('\n      ') : String(error)}\n      screenshot: ${shot}`,
    );
  }
}

async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 20_000 });
  await input.fill(name);
  // Quick Open lists files once the workspace is indexed, which a loaded machine can take a while to do.
  await page
    .locator('.quick-input-widget .monaco-list-row', { hasText: name })
    .first()
    .waitFor({ timeout: 60_000 });
  await page.keyboard.press('Enter');
  await page.locator(`.tab[aria-label*="${name}"]`).first().waitFor({ timeout: 20_000 });
}

/**
 * Waits for the rendered page of `name` (the Markdown preview's tab), checks no editable copy of
 * it stayed open as text, and closes the preview with its tab's close button (a document that
 * asked to be saved would keep the tab open behind the dialog).
 */
async function closePreview(page: Page, name: string, screenshot?: string): Promise<void> {
  const preview = page.locator('.tabs-container .tab', {
    hasText: new RegExp(`Preview.*${name.replace('.', '\\.')}`),
  });
  await preview.first().waitFor({ timeout: 20_000 });
  const text = page.locator('.tabs-container .tab', { hasText: name }).filter({ hasNotText: 'Preview' });
  await text.first().waitFor({ state: 'detached', timeout: 10_000 });
  if (screenshot) await page.screenshot({ path: screenshot });
  // The close button of the (active) preview tab, as a user closes it: nothing asks to save.
  await preview.first().hover();
  await preview.first().locator('.tab-actions .action-label').first().click();
  await preview.first().waitFor({ state: 'detached', timeout: 10_000 });
}

/** Drags the sash right of the primary sidebar until the sidebar is `width` px wide (either way). */
async function setSidebarWidth(page: Page, width: number): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const box = await page.locator('.part.sidebar').first().boundingBox();
    if (!box) throw new Error('no sidebar');
    if (Math.abs(box.width - width) <= 2) return;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width + 1, y);
    await page.mouse.down();
    await page.mouse.move(box.x + width + 1, y, { steps: 8 });
    await page.mouse.up();
    await page.waitForTimeout(300);
  }
  const box = await page.locator('.part.sidebar').first().boundingBox();
  if (!box || Math.abs(box.width - width) > 2)
    throw new Error(`sidebar is ${box?.width ?? '?'} px wide, wanted ${width}`);
}

/** The Builder Health view's headline (TreeView.message), shown. */
const HEADLINE = '.sidebar .tree-explorer-viewlet-tree-view > .message:not(.hide)';

/** The marked headline's text box against the sidebar's (runs in the page: a string, as this project compiles without the DOM library). */
const HEADLINE_GEOMETRY = `(() => {
  const el = document.querySelector('[data-lbd="headline"]');
  const sidebar = el.closest('.part.sidebar').getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(el);
  const text = range.getBoundingClientRect();
  return {
    inside: text.left >= sidebar.left - 0.5 && text.right <= sidebar.right + 0.5 && text.bottom <= sidebar.bottom,
    fits: el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1,
    text: { left: text.left, right: text.right, bottom: text.bottom },
    sidebar: { left: sidebar.left, right: sidebar.right, bottom: sidebar.bottom },
  };
})()`;

/**
 * The whole headline is on screen: inside the sidebar, nothing scrolled or clipped away, and it
 * contains the plain-words headline of the cause id it ends with.
 */
async function assertHeadlineVisible(page: Page): Promise<string> {
  const message = page.locator(HEADLINE).first();
  await message.waitFor({ timeout: 90_000 });
  const text = (await message.innerText()).replace(/\s+/g, ' ').trim();
  const cause = /\(([a-z-]+)\)$/.exec(text)?.[1];
  if (!cause || !text.includes(causeHeadline(cause)))
    throw new Error(`the headline does not read as a verdict: "${text}"`);
  await message.evaluate((el: { setAttribute(name: string, value: string): void }) =>
    el.setAttribute('data-lbd', 'headline'),
  );
  const geometry = await page.evaluate<{ inside: boolean; fits: boolean }>(HEADLINE_GEOMETRY);
  if (!geometry.inside || !geometry.fits)
    throw new Error(`the headline is cut: ${JSON.stringify(geometry)} "${text}"`);
  return text;
}

export async function runUiChecks(
  browser: Browser,
  server: RunningCodeServer,
  workspace: string,
  artifacts: string,
): Promise<UiStats> {
  const stats: UiStats = { passed: 0, failed: 0 };
  const page = await openWorkbench(browser, server, workspace);
  try {
    await check(
      stats,
      page,
      artifacts,
      'the Problems panel lists the ssh-options error for a .nix file',
      async () => {
        await openFile(page, 'darwin-configuration.nix');
        await page.keyboard.press('Control+Shift+M');
        const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'ssh-options' }).first();
        await row.waitFor({ timeout: 60_000 });
        await page.screenshot({ path: join(artifacts, 'problems.png') });
      },
    );

    await check(
      stats,
      page,
      artifacts,
      "the rule link in Problems, the diagnostic hover and the server's hover open the rendered rule page",
      async () => {
        const problemsLink = page
          .locator('.markers-panel .monaco-list-row', { hasText: 'ssh-options' })
          .first()
          .locator('a.monaco-link');
        await problemsLink.click();
        await closePreview(page, 'ssh-options.md', join(artifacts, 'ruleLink.png'));
        // The hover over the squiggle: the diagnostic's code link and the rule link of our own hover.
        const word = page.locator('.monaco-editor .view-line span', { hasText: 'sshOptions' }).first();
        await word.hover();
        const codeLink = page.locator('.monaco-hover a.code-link', { hasText: 'ssh-options' }).first();
        await codeLink.waitFor({ timeout: 20_000 });
        await codeLink.click();
        await closePreview(page, 'ssh-options.md');
        await word.hover();
        const ruleLink = page
          .locator('.monaco-hover a[data-href^="command:linuxBuilderDoctor.showRuleDocumentation"]')
          .first();
        await ruleLink.waitFor({ timeout: 20_000 });
        await ruleLink.click();
        await closePreview(page, 'ssh-options.md');
      },
    );

    await check(
      stats,
      page,
      artifacts,
      'the lightbulb offers the preferred quick fix and applying it removes the error',
      async () => {
        await page.locator('.markers-panel .monaco-list-row', { hasText: 'ssh-options' }).first().click();
        await page
          .locator('.monaco-editor .view-line', { hasText: 'sshOptions' })
          .first()
          .waitFor({ timeout: 10_000 });
        await page.locator('.monaco-editor .view-line', { hasText: 'sshOptions' }).first().click();
        await page.keyboard.press('Control+.');
        const menu = page.locator('.action-widget');
        await menu
          .locator('.monaco-list-row', { hasText: /sshOptions/ })
          .first()
          .waitFor({ timeout: 20_000 });
        await page.screenshot({ path: join(artifacts, 'quickfix.png') });
        await menu
          .locator('.monaco-list-row', { hasText: /sshOptions/ })
          .first()
          .click();
        await page
          .locator('.markers-panel .monaco-list-row', { hasText: 'ssh-options' })
          .first()
          .waitFor({ state: 'detached', timeout: 30_000 });
        const text = await page.locator('.monaco-editor .view-lines').first().innerText();
        if (text.includes('sshOptions')) throw new Error(`sshOptions still in the editor:\n${text}`);
      },
    );

    await check(
      stats,
      page,
      artifacts,
      'with a stand-in extension that also gives nix a source.nix grammar, .nix files keep that grammar',
      async () => {
        await page.locator('.monaco-editor .view-line', { hasText: 'enable' }).first().click();
        await page.keyboard.press('F1');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ timeout: 20_000 });
        await input.fill('>Developer: Inspect Editor Tokens and Scopes');
        await page
          .locator('.quick-input-widget .monaco-list-row', { hasText: 'Inspect Editor Tokens and Scopes' })
          .first()
          .waitFor({ timeout: 20_000 });
        await page.keyboard.press('Enter');
        const widget = page.locator('.token-inspect-widget').first();
        await widget.waitFor({ timeout: 20_000 });
        await page
          .locator('.token-inspect-widget', { hasText: 'source.nix' })
          .first()
          .waitFor({ timeout: 20_000 });
        const scopes = await widget.innerText();
        await page.screenshot({ path: join(artifacts, 'grammar.png') });
        await page.keyboard.press('Escape');
        if (
          // The root scope of the token under the cursor: the stand-in's source.nix, not ours.
          scopes.includes('source.nix.linux-builder-doctor') ||
          !/(^|\t)source\.nix$/m.test(scopes)
        )
          throw new Error(`the stand-in's grammar was replaced:\n${scopes}`);
      },
    );

    await check(
      stats,
      page,
      artifacts,
      'the command palette (F1) offers "Linux Builder Doctor: Test Linux Builder"',
      async () => {
        await page.keyboard.press('F1');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ timeout: 20_000 });
        await input.fill('>Test Linux Builder');
        await page
          .locator('.quick-input-widget .monaco-list-row', {
            hasText: 'Linux Builder Doctor: Test Linux Builder',
          })
          .first()
          .waitFor({ timeout: 20_000 });
        await page.screenshot({ path: join(artifacts, 'palette.png') });
        await page.keyboard.press('Escape');
      },
    );

    await check(
      stats,
      page,
      artifacts,
      'a `cannot build on …` line printed in a terminal is a link; opening it shows the cause, Show Details renders it',
      async () => {
        await page.keyboard.press('F1');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ timeout: 20_000 });
        await input.fill('>Terminal: Create New Terminal');
        await page
          .locator('.quick-input-widget .monaco-list-row', { hasText: 'Create New Terminal' })
          .first()
          .waitFor({ timeout: 20_000 });
        await page.keyboard.press('Enter');
        await page.locator('.terminal-wrapper .xterm-rows').last().waitFor({ timeout: 20_000 });
        await page
          .locator('.terminal-wrapper .xterm-rows')
          .last()
          .filter({ hasText: /[#$]/ })
          .waitFor({ timeout: 20_000 });
        await page.keyboard.type(
          `printf '%s\\n' "cannot build on 'ssh-ng://builder@linux-builder': error: failed to start SSH connection to 'builder@linux-builder'"`,
        );
        await page.keyboard.press('Enter');
        // The printed line (not only the typed command) is on screen.
        await page
          .locator('.terminal-wrapper .xterm-rows')
          .last()
          .filter({ hasText: /\ncannot build on|^cannot build on/m })
          .waitFor({ timeout: 20_000 })
          .catch(() => undefined);
        // The printed line (a row of xterm's DOM renderer; spaces are U+00A0): hover with Ctrl held and
        // click, as a user follows a terminal link. ("Open Detected Link…" lists only the built-in
        // detectors' links, not those of extension link providers.)
        const row = page
          .locator('.terminal-wrapper .xterm-rows > div')
          .filter({ hasText: /^cannot[\s\u00a0]build[\s\u00a0]on/ })
          .last();
        await row.waitFor({ timeout: 20_000 });
        const box = await row.boundingBox();
        if (!box) throw new Error('the printed line has no box');
        await page.mouse.move(box.x + 40, box.y + box.height / 2);
        await page.keyboard.down('Control');
        await page.mouse.move(box.x + 44, box.y + box.height / 2);
        // Our link, not a word link: VS Code shows the provider's tooltip over it.
        await page
          .getByText('Explain with Linux Builder Doctor', { exact: false })
          .first()
          .waitFor({ timeout: 10_000 });
        await page.screenshot({ path: join(artifacts, 'explainLinks.png') });
        await page.mouse.click(box.x + 44, box.y + box.height / 2);
        await page.keyboard.up('Control');
        await page.keyboard.press('F1');
        await input.fill('>Notifications: Show Notifications');
        await page
          .locator('.quick-input-widget .monaco-list-row', { hasText: 'Show Notifications' })
          .first()
          .waitFor({ timeout: 20_000 });
        await page.keyboard.press('Enter');
        await page
          .locator('.notification-list-item', { hasText: /ssh-connection-failed/ })
          .first()
          .waitFor({ timeout: 30_000 });
        await page.screenshot({ path: join(artifacts, 'explain.png') });
        // "Show Details" renders the explanation read-only; its tab closes without asking to save.
        await page
          .locator('.notification-list-item', { hasText: /ssh-connection-failed/ })
          .first()
          .locator('.monaco-button', { hasText: 'Show Details' })
          .first()
          .click();
        await closePreview(page, 'details.md', join(artifacts, 'explainDetails.png'));
        await page.keyboard.press('Escape');
      },
    );

    await check(
      stats,
      page,
      artifacts,
      'the Builder Health sidebar leads with the whole verdict headline at 300 px and 220 px, with a badge',
      async () => {
        await page
          .locator(
            '.activitybar .action-item a[aria-label^="Linux Builder Doctor"], .activitybar .action-item[aria-label^="Linux Builder Doctor"]',
          )
          .first()
          .click();
        const rows = page.locator('.sidebar .monaco-list-row');
        await rows.filter({ hasText: 'SSH' }).first().waitFor({ timeout: 90_000 });
        for (const width of [300, 220]) {
          await setSidebarWidth(page, width);
          const text = await assertHeadlineVisible(page);
          if (!text.startsWith('Builder broken:')) throw new Error(`a broken builder, said: ${text}`);
          await page.screenshot({ path: join(artifacts, `verdict-${width}.png`) });
        }
        // The activity-bar badge while the builder is broken.
        const badge = page
          .locator('.activitybar .action-item', {
            has: page.locator('[aria-label^="Linux Builder Doctor"]'),
          })
          .locator('.badge-content');
        const badgeText = (await badge.first().innerText({ timeout: 10_000 })).trim();
        if (badgeText !== '1') throw new Error(`badge says "${badgeText}"`);
      },
    );

    const varRootExisted = existsSync('/var/root');
    await check(
      stats,
      page,
      artifacts,
      'at 220 px the verdict row\'s inline "Fix…" types the fix into a new terminal without running it',
      async () => {
        await setSidebarWidth(page, 220);
        const fixAction = '.action-label[aria-label^="Fix"]';
        const row = page.locator('.sidebar .monaco-list-row[aria-label^="Verdict:"]').first();
        await row.waitFor({ timeout: 20_000 });
        await row.hover();
        await row.locator(fixAction).first().click();
        await page
          .locator('.terminal-tab, .tabs-container .label-name, .single-terminal-tab', { hasText: 'Fix: ' })
          .first()
          .waitFor({ timeout: 20_000 });
        // The shell's prompt followed by typed text (xterm's DOM renderer draws spaces as U+00A0).
        const prompt = /\S+@\S+?[#$][\s\u00a0]/g;
        const screen = page
          .locator('.terminal-wrapper .xterm-rows')
          .filter({ hasText: /[#$][\s\u00a0]+\S/ })
          .last();
        await screen.waitFor({ timeout: 20_000 });
        await page.screenshot({ path: join(artifacts, 'fix.png') });
        // Not run: after a run a fresh, empty prompt would be the last thing on screen; and on this
        // Linux test machine, where we are root, the corporate fix would have created /var/root/.ssh.
        const flat = (await screen.innerText()).replace(/\n/g, '');
        const lastPrompt = [...flat.matchAll(prompt)].pop();
        const afterPrompt = lastPrompt ? flat.slice(lastPrompt.index + lastPrompt[0].length).trim() : '';
        if (afterPrompt === '') throw new Error(`the fix was executed or not typed:\n${flat}`);
        if (!varRootExisted && existsSync('/var/root/.ssh'))
          throw new Error('the fix was executed: /var/root/.ssh exists');
        await page.keyboard.press('Control+C'); // discard the typed line
        await setSidebarWidth(page, 620);
        await page.screenshot({ path: join(artifacts, 'health.png') });
      },
    );

    await check(
      stats,
      page,
      artifacts,
      '"Test Linux Builder" from the palette streams the build in a terminal and reports the result',
      async () => {
        await page.keyboard.press('F1');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ timeout: 20_000 });
        await input.fill('>Test Linux Builder');
        await page
          .locator('.quick-input-widget .monaco-list-row', {
            hasText: 'Linux Builder Doctor: Test Linux Builder',
          })
          .first()
          .waitFor({ timeout: 20_000 });
        await page.keyboard.press('Enter');
        await page
          .locator('.sidebar .monaco-list-row', { hasText: /Test build (failed|passed)/ })
          .first()
          .waitFor({ timeout: 120_000 });
        await page.screenshot({ path: join(artifacts, 'testBuild.png') });
        // The notification (toasts may be suppressed while the terminal has focus: look in the center).
        await page.keyboard.press('F1');
        await input.fill('>Notifications: Show Notifications');
        await page
          .locator('.quick-input-widget .monaco-list-row', { hasText: 'Show Notifications' })
          .first()
          .waitFor({ timeout: 20_000 });
        await page.keyboard.press('Enter');
        const notification = page
          .locator('.notification-list-item', { hasText: /test build (failed|succeeded)/ })
          .first();
        await notification.waitFor({ timeout: 20_000 });
        // A failure names its cause in words and offers "Show Fix" (issue 9 item 6).
        const said = await notification.innerText();
        if (/failed/.test(said)) {
          const cause = /\(([a-z-]+)\)/.exec(said)?.[1];
          if (!cause || !said.includes(causeHeadline(cause))) throw new Error(`no cause named: ${said}`);
          await notification.locator('.monaco-button', { hasText: 'Show Fix' }).first().click();
          await page.locator('.tab', { hasText: 'test-build.md' }).first().waitFor({ timeout: 20_000 });
          await page.screenshot({ path: join(artifacts, 'testBuildFix.png') });
        }
      },
    );
  } finally {
    await page.close();
  }
  return stats;
}
