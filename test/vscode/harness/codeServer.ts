/**
 * Starting and stopping a real VS Code 1.139 (code-server 4.139.1 on Node 24) for the `vscode`
 * suite, per docs/dev/testing.md#a-real-vs-code: own HOME/TMPDIR/user-data/extensions dirs, own process group (the
 * extension host lingers for hours otherwise), ready when /healthz answers.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../util/freePort.js';

export interface CodeServerInstall {
  node: string;
  entry: string;
}

/** The code-server that scripts/install-code-server.sh put in the cache, or null. */
export function findCodeServer(env: NodeJS.ProcessEnv = process.env): CodeServerInstall | null {
  const cache = env.LBD_CACHE ?? join(homedir(), '.cache', 'linux-builder-doctor');
  const headers = join(cache, 'node24', 'node_modules', 'node', 'node_modules');
  const arch = existsSync(headers)
    ? readdirSync(headers).find((d) => d.startsWith('node-linux-'))
    : undefined;
  const node = arch ? join(headers, arch, 'bin', 'node') : '';
  const entry = join(cache, 'code-server', 'lib', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  return node && existsSync(node) && existsSync(entry) ? { node, entry } : null;
}

export { freePort };

export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
  );
}

export interface RunningCodeServer {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface CodeServerDirs {
  home: string;
  tmp: string;
  userData: string;
  extensions: string;
}

export function makeDirs(base: string): CodeServerDirs {
  const dirs = {
    home: join(base, 'home'),
    tmp: join(base, 'tmp'),
    userData: join(base, 'user-data'),
    extensions: join(base, 'extensions'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return dirs;
}

function baseEnv(
  install: CodeServerInstall,
  dirs: CodeServerDirs,
  extra: Record<string, string>,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: dirs.home, TMPDIR: dirs.tmp, ...extra };
  env.PATH = `${join(install.node, '..')}:${process.env.PATH ?? ''}`;
  delete env.VSCODE_IPC_HOOK_CLI; // never talk to a VS Code this process might run inside
  return env;
}

/** `code-server --install-extension x.vsix` into our own extensions dir (offline). */
export function installExtension(install: CodeServerInstall, dirs: CodeServerDirs, vsix: string): string {
  const run = spawnSync(
    install.node,
    [
      install.entry,
      '--user-data-dir',
      dirs.userData,
      '--extensions-dir',
      dirs.extensions,
      '--install-extension',
      vsix,
    ],
    {
      env: baseEnv(install, dirs, {}),
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (run.status !== 0)
    throw new Error(`--install-extension failed (${run.status}): ${run.stderr}${run.stdout}`);
  return run.stdout + run.stderr;
}

/** `workspaceTrust: true` keeps workspace trust on (untrusted-workspace tests); off otherwise, per docs/dev/testing.md#a-real-vs-code. */
export async function startCodeServer(
  install: CodeServerInstall,
  dirs: CodeServerDirs,
  logFile: string,
  options: { workspaceTrust?: boolean } = {},
): Promise<RunningCodeServer> {
  const port = await freePort();
  const config = join(dirs.tmp, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const args = [
    install.entry,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--config',
    config,
    '--user-data-dir',
    dirs.userData,
    '--extensions-dir',
    dirs.extensions,
    '--vscode-option',
    'enable-smoke-test-driver',
  ];
  const log = createWriteStream(logFile);
  const child = spawn(install.node, args, {
    env: baseEnv(install, dirs, {}),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  await waitFor('code-server /healthz', 60_000, async () => {
    if (exited) throw new Error(`code-server exited early; see ${logFile}`);
    const response = await fetch(`${url}/healthz`);
    return response.ok ? true : undefined;
  });
  return {
    url,
    port,
    process: child,
    stop: async () => {
      if (child.pid === undefined) return;
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        try {
          process.kill(-child.pid, signal); // the whole group: server, extension host, server-side children
        } catch {
          return; // group already gone
        }
        try {
          await waitFor(
            'code-server to exit',
            5000,
            () => Promise.resolve(groupAlive(child.pid!) ? undefined : true),
            100,
          );
          return;
        } catch {
          // still alive: escalate
        }
      }
    },
  };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
