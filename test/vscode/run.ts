/**
 * The `vscode` suite: the packaged extension in a real VS Code 1.139 (code-server 4.139.1 on
 * Node 24, docs/dev/testing.md#a-real-vs-code) driven by Debian's Chromium through playwright-core.
 *   1. packages the .vsix (vsce, offline) and installs it into a fresh code-server;
 *   2. runs the in-host mocha tests (test/vscode/host/, bundled to CJS) in the real extension host;
 *   3. runs the UI checks (ui.ts) against the installed .vsix and saves screenshots;
 *   4. runs the untrusted-workspace test in a session with workspace trust on.
 * Writes {passed, failed, skipped} to $LBD_TEST_STATS and exits non-zero on failure.
 * Missing code-server or Chromium fails under CI=true and skips loudly otherwise.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { projectRoot } from '../util/paths.js';
import { findExecutable } from '../util/prerequisites.js';
import {
  findCodeServer,
  freePort,
  installExtension,
  makeDirs,
  startCodeServer,
  type CodeServerInstall,
  type RunningCodeServer,
} from './harness/codeServer.js';
import { runInHostTests } from './harness/session.js';
import { stageDownBuilder } from './harness/stage.js';
import { LoopbackBuilder, stageMac } from '../loopback/loopbackBuilder.js';
import { runUiChecks } from './ui.js';

interface Stats {
  passed: number;
  failed: number;
  skipped: number;
}
const totals: Stats = { passed: 0, failed: 0, skipped: 0 };
const artifacts = join(projectRoot, 'test-artifacts', 'vscode');
const figures: Record<string, unknown> = {};
/**
 * While iterating: LBD_VSCODE_SESSIONS=ui,down runs only those sessions (healthy, down, ui,
 * untrusted); the others count as skipped, so a partial run never reads as the whole suite.
 */
const onlySessions = process.env.LBD_VSCODE_SESSIONS?.split(',').map((s) => s.trim());
function wanted(session: string): boolean {
  if (!onlySessions || onlySessions.includes(session)) return true;
  console.log(`  - session ${session} skipped (LBD_VSCODE_SESSIONS)`);
  totals.skipped++;
  return false;
}
const LOOPBACK_TOOLS = ['sshd', 'ssh', 'ssh-keygen', 'ssh-keyscan', 'unshare', 'nix', 'nix-build'];

function finish(): never {
  if (process.env.LBD_TEST_STATS) writeFileSync(process.env.LBD_TEST_STATS, JSON.stringify(totals));
  writeFileSync(join(artifacts, 'figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
  // Measured, not asserted: activation (bundle load + activate()) against its 50 ms budget, sizes.
  console.log(`\n  figures: ${JSON.stringify(figures)}`);
  console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(totals.failed > 0 ? 1 : 0);
}

function fail(title: string, error: unknown): void {
  totals.failed++;
  console.log(
    `  ✘ ${title}\n      ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
}

/**
 * The stand-in for Nix IDE (test/vscode/fixtures/standin-nix): a grammar under source.nix for the
 * nix language, packaged like any extension so it installs next to ours (issue 9 item 8).
 */
function packageStandIn(scratch: string): string {
  const dir = join(scratch, 'standin-nix');
  cpSync(join(projectRoot, 'test', 'vscode', 'fixtures', 'standin-nix'), dir, { recursive: true });
  const out = join(scratch, 'standin-nix.vsix');
  const vsce = join(projectRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const run = spawnSync(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '-o', out],
    { cwd: dir, encoding: 'utf8', timeout: 120_000 },
  );
  if (run.status !== 0 || !existsSync(out))
    throw new Error(`vsce package (stand-in) failed: ${run.stderr}${run.stdout}`);
  return out;
}

function packageVsix(out: string): void {
  for (const bundle of ['dist/extension.cjs', 'dist/server.cjs', 'dist/cli.cjs']) {
    if (!existsSync(join(projectRoot, bundle))) throw new Error(`${bundle} missing: run npm run build first`);
  }
  const vsce = join(projectRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  // The same flags as `npm run package`: README links stay relative, and no made-up repository URL
  // ends up in the .vsix. (The extension details page shows no README image then: VS Code keeps only
  // http(s) image sources there, see CONTRIBUTING.md "README images".)
  const flags = ['--no-rewrite-relative-links', '--allow-missing-repository'];
  const run = spawnSync(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--skip-license', ...flags, '-o', out],
    { cwd: projectRoot, encoding: 'utf8', timeout: 120_000 },
  );
  if (run.status !== 0 || !existsSync(out))
    throw new Error(`vsce package failed: ${run.stderr}${run.stdout}`);
}

/** The in-host tests as CommonJS (the extension host require()s extensionTestsPath); 'vscode' and mocha stay external. */
async function bundleHostTests(): Promise<string> {
  const src = join(projectRoot, 'test', 'vscode', 'host');
  const outDir = join(projectRoot, 'out', 'test', 'vscode', 'host');
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir).filter((f) => f.endsWith('.cjs'))) rmSync(join(outDir, f));
  const entries = readdirSync(src).filter((f) => f === 'index.ts' || f.endsWith('.test.ts'));
  await build({
    entryPoints: entries.map((f) => join(src, f)),
    outdir: outDir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return join(outDir, 'index.cjs');
}

/**
 * code-server's extension host is "remote": machine-scoped settings (ours: probes.root, builderHost)
 * come from Machine/settings.json, the rest from User/settings.json. Both get the same values.
 */
function writeUserSettings(userData: string, extra: Record<string, unknown>): void {
  for (const scope of ['User', 'Machine']) mkdirSync(join(userData, scope), { recursive: true });
  const text = JSON.stringify(
    {
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.welcomePage.walkthroughs.openOnInstall': false,
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'chat.disableAIFeatures': true,
      'workbench.colorTheme': 'Default Dark Modern',
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      // xterm's DOM renderer, so the UI test can read the terminal's text.
      'terminal.integrated.gpuAcceleration': 'off',
      ...extra,
    },
    null,
    2,
  );
  writeFileSync(join(userData, 'User', 'settings.json'), text);
  writeFileSync(join(userData, 'Machine', 'settings.json'), text);
}

/** A staged "Mac" (--root) and how the extension must see it. */
interface Stage {
  root: string;
  system: string;
  builderUp: boolean;
  path?: string;
}

function stageSettings(stage: Stage): Record<string, unknown> {
  // server.env gives the server and the CLI the staged Mac's fake macOS commands (sw_vers, launchctl).
  return {
    'linuxBuilderDoctor.probes.root': stage.root,
    ...(stage.path ? { 'linuxBuilderDoctor.server.env': { PATH: stage.path } } : {}),
  };
}

async function inHostSession(
  browser: Browser,
  install: CodeServerInstall,
  scratch: string,
  name: string,
  files: string[] | undefined,
  trusted: boolean,
  stage: Stage,
  testsPath: string,
): Promise<void> {
  const base = join(scratch, name);
  const dirs = makeDirs(join(base, 'cs'));
  writeUserSettings(dirs.userData, {
    ...stageSettings(stage),
    ...(trusted
      ? {}
      : { 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.enabled': true }),
  });
  const workspace = join(base, 'ws', 'workspace');
  cpSync(join(projectRoot, 'test', 'vscode', 'fixtures', 'workspace'), workspace, { recursive: true });
  // A flake of several modules inside the folder (wholeConfig.test.ts: Problems lists the modules nobody opened).
  cpSync(join(projectRoot, 'examples', 'corporate-mac'), join(workspace, 'corporate-mac'), {
    recursive: true,
  });
  const env = {
    statsFile: join(base, 'stats.json'),
    logFile: join(base, 'host.log'),
    figuresFile: join(base, 'figures.jsonl'),
    stagedRoot: stage.root,
    system: stage.system,
    builderUp: stage.builderUp,
    ...(files ? { files } : {}),
  };
  writeFileSync(join(base, 'ws', 'host-env.json'), JSON.stringify(env));
  let server: RunningCodeServer | undefined;
  const started = Date.now();
  try {
    server = await startCodeServer(install, dirs, join(artifacts, `code-server-${name}.log`), {
      workspaceTrust: !trusted,
    });
    console.log(`  (${name}: code-server ready in ${Date.now() - started} ms)`);
    const exitCode = await runInHostTests(browser, server, workspace, projectRoot, testsPath, 600_000);
    if (existsSync(env.logFile)) process.stdout.write(readFileSync(env.logFile, 'utf8'));
    if (!existsSync(env.statsFile))
      throw new Error(
        `in-host run exited ${exitCode} without results (see test-artifacts/vscode/code-server-${name}.log)`,
      );
    const stats = JSON.parse(readFileSync(env.statsFile, 'utf8')) as Stats;
    totals.passed += stats.passed;
    totals.failed += stats.failed;
    totals.skipped += stats.skipped;
    if (exitCode !== 0 && stats.failed === 0)
      fail(`${name}: extension host exited ${exitCode}`, new Error('no failed test reported'));
    if (existsSync(env.figuresFile)) {
      for (const line of readFileSync(env.figuresFile, 'utf8').trim().split('\n'))
        Object.assign(figures, JSON.parse(line) as object);
    }
  } catch (error) {
    if (existsSync(env.logFile)) process.stdout.write(readFileSync(env.logFile, 'utf8'));
    fail(`${name} session`, error);
  } finally {
    await server?.stop();
  }
}

async function main(): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  const install = findCodeServer();
  const chromiumPath = findExecutable('chromium');
  const missing = [
    install ? '' : 'code-server 4.139.1 (bash scripts/install-code-server.sh)',
    chromiumPath ? '' : 'chromium (apt-get install chromium)',
  ].filter(Boolean);
  if (missing.length > 0 || !install || !chromiumPath) {
    const message = `missing prerequisites: ${missing.join(', ')}`;
    if (process.env.CI === 'true') fail('vscode suite prerequisites', new Error(message));
    else {
      console.warn(`  SKIPPED: ${message}`);
      totals.skipped++;
    }
    finish();
  }

  const scratch = mkdtempSync(join(tmpdir(), 'lbd-vscode-'));
  let browser: Browser | undefined;
  let builder: LoopbackBuilder | undefined;
  try {
    const vsix = join(scratch, 'linux-builder-doctor.vsix');
    packageVsix(vsix);
    figures.vsixBytes = statSync(vsix).size;
    figures.extensionBundleBytes = statSync(join(projectRoot, 'dist', 'extension.cjs')).size;
    const testsPath = await bundleHostTests();

    // The loopback builder (real sshd + Nix, test/loopback) when its tools are here; otherwise
    // only the "builder down" scenarios run (and under CI that counts as a failure).
    const loopbackMissing = LOOPBACK_TOOLS.filter((t) => findExecutable(t) === null);
    if (loopbackMissing.length === 0) builder = await LoopbackBuilder.start();
    else if (process.env.CI === 'true')
      fail('loopback builder prerequisites', new Error(`missing: ${loopbackMissing.join(', ')}`));
    else {
      console.warn(`  SKIPPED (loopback builder sessions): missing ${loopbackMissing.join(', ')}`);
      totals.skipped++;
    }
    const staged = (name: string, options: Parameters<typeof stageMac>[2], builderUp: boolean): Stage => {
      if (!builder) throw new Error('no loopback builder');
      const mac = stageMac(builder, name, options);
      return { root: mac.root, system: 'x86_64-linux', builderUp, path: mac.env.PATH ?? '' };
    };
    const down: Stage = builder
      ? staged('vscode-down', { port: await freePort() }, false)
      : { ...stageDownBuilder(join(scratch, 'mac-down'), await freePort()), builderUp: false };

    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });

    if (builder && wanted('healthy')) {
      console.log('\n  in the real extension host: trusted workspace, healthy loopback builder');
      await inHostSession(
        browser,
        install,
        scratch,
        'healthy',
        ['activation', 'codeActions', 'health', 'testBuilder', 'admin', 'fixHostile'],
        true,
        staged('vscode-healthy', {}, true),
        testsPath,
      );
    }
    if (wanted('down')) {
      console.log('\n  in the real extension host: trusted workspace, builder down');
      await inHostSession(
        browser,
        install,
        scratch,
        'down',
        builder
          ? ['health', 'testBuilder', 'explain', 'ruleDocs', 'wholeConfig']
          : ['activation', 'codeActions', 'health', 'testBuilder', 'explain', 'ruleDocs', 'wholeConfig'],
        true,
        down,
        testsPath,
      );
    }

    if (wanted('ui')) {
      console.log('\n  UI (Chromium, packaged .vsix)');
      // The corporate case of USER-REPORT.md: /etc/ssh/ssh_config without the Include.
      const uiStage = builder ? staged('vscode-corporate', { include: false }, false) : down;
      const dirs = makeDirs(join(scratch, 'ui', 'cs'));
      writeUserSettings(dirs.userData, stageSettings(uiStage));
      installExtension(install, dirs, vsix);
      installExtension(install, dirs, packageStandIn(scratch));
      const workspace = join(scratch, 'ui', 'workspace');
      cpSync(join(projectRoot, 'test', 'vscode', 'fixtures', 'workspace'), workspace, { recursive: true });
      const server = await startCodeServer(install, dirs, join(artifacts, 'code-server-ui.log'));
      try {
        const ui = await runUiChecks(browser, server, workspace, artifacts);
        totals.passed += ui.passed;
        totals.failed += ui.failed;
      } finally {
        await server.stop();
      }
    }

    if (wanted('untrusted')) {
      console.log('\n  in the real extension host: untrusted workspace');
      await inHostSession(browser, install, scratch, 'untrusted', ['untrusted'], false, down, testsPath);
    }
  } catch (error) {
    fail('vscode suite', error);
  } finally {
    await browser?.close();
    builder?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
  finish();
}

void main();
