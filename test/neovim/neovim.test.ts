/**
 * A second real LSP client: Neovim 0.7 headless (docs/dev/testing.md#neovim-as-a-second-client) starts `node dist/server.cjs
 * --stdio` through vim.lsp.start_client and must receive the ssh-options diagnostic, a hover and
 * the quick fixes, exactly as an editor user would.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distServer, projectRoot } from '../util/paths.js';
import { requireTools } from '../util/prerequisites.js';

interface Emitted {
  kind: 'started' | 'diagnostics' | 'hover' | 'codeActions' | 'timeout' | 'exit';
  payload: unknown;
}

interface LspDiagnostic {
  code?: string;
  source?: string;
  message: string;
  range: { start: { line: number; character: number } };
  codeDescription?: { href: string };
}

const MODULE = `{ config, pkgs, ... }:
{
  nix.linux-builder = {
    enable = true;
    systems = [ "aarch64-linux" "x86_64-linux" ];
    config = {
      sshOptions = [ "-p" "31022" "-l" "builder" ];
    };
  };
}
`;

function runNeovim(
  dir: string,
  file: string,
  env: Record<string, string>,
  timeoutMs: number,
  init = join(projectRoot, 'test/neovim/init.lua'),
): Promise<{ lines: Emitted[]; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('nvim', ['--headless', '-i', 'NONE', '-u', init, file], {
      cwd: dir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nvim did not exit within ${timeoutMs} ms; stdout: ${stdout}; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const lines = stdout
        .split('\n')
        .filter((l) => l.trim().startsWith('{'))
        .map((l) => JSON.parse(l) as Emitted);
      resolve({ lines, stderr, code });
    });
  });
}

/** Lua that waits for vim.diagnostic to hold our diagnostics, prints them as JSON, and quits. */
const DUMP_DIAGNOSTICS = `
local function dump()
  local found = vim.diagnostic.get(0)
  if #found > 0 or vim.loop.now() > deadline then
    local out = {}
    for _, d in ipairs(found) do table.insert(out, { lnum = d.lnum, code = d.code, source = d.source, message = d.message }) end
    io.stdout:write(vim.fn.json_encode({ kind = 'diagnostics', payload = out }) .. '\\n')
    io.stdout:flush()
    vim.cmd('qall!')
  else
    vim.defer_fn(dump, 20)
  end
end
deadline = vim.loop.now() + 10000
vim.api.nvim_create_autocmd('VimEnter', { callback = function() vim.defer_fn(dump, 20) end })
`;

function xdgHomes(dir: string): Record<string, string> {
  const xdg: Record<string, string> = {};
  for (const name of ['CACHE', 'STATE', 'DATA', 'CONFIG']) {
    const home = join(dir, name.toLowerCase());
    xdg[`XDG_${name}_HOME`] = home;
    mkdirSync(home, { recursive: true });
  }
  return xdg;
}

describe('Neovim 0.7 headless as an LSP client', function () {
  let dir: string;

  before(function () {
    requireTools(this, ['nvim']);
    dir = mkdtempSync(join(tmpdir(), 'lbd-nvim-'));
  });

  after(function () {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('receives the ssh-options diagnostic on the sshOptions line, a hover and the quick fixes', async function () {
    this.timeout(30_000);
    const xdg: Record<string, string> = {};
    for (const name of ['CACHE', 'STATE', 'DATA', 'CONFIG']) {
      const home = join(dir, name.toLowerCase());
      xdg[`XDG_${name}_HOME`] = home;
      mkdirSync(home, { recursive: true });
    }
    const file = join(dir, 'darwin-configuration.nix');
    writeFileSync(file, MODULE);
    const { lines, stderr } = await runNeovim(
      dir,
      file,
      {
        ...xdg,
        LBD_NODE: process.execPath,
        LBD_SERVER: distServer,
        LBD_HOVER_LINE: '3',
        LBD_HOVER_CHARACTER: '5',
        LBD_DEADLINE_MS: '10000',
      },
      25_000,
    );
    const context = `nvim said: ${JSON.stringify(lines)}\nstderr: ${stderr}`;
    assert.ok(!lines.some((l) => l.kind === 'timeout'), `no diagnostics within the deadline\n${context}`);

    const published = lines
      .filter((l) => l.kind === 'diagnostics')
      .map((l) => l.payload as { uri: string; diagnostics: LspDiagnostic[] });
    const diagnostic = published.flatMap((p) => p.diagnostics).find((d) => d.code === 'ssh-options');
    assert.ok(diagnostic, `no ssh-options diagnostic\n${context}`);
    assert.equal(diagnostic.source, 'linux-builder-doctor');
    assert.equal(diagnostic.range.start.line, 6, 'on the sshOptions line');
    assert.match(diagnostic.codeDescription?.href ?? '', /ssh-options\.md$/);
    assert.ok(published.every((p) => p.uri.endsWith('/darwin-configuration.nix')));

    const hover = lines.find((l) => l.kind === 'hover')?.payload as
      { contents: { value: string } } | null | undefined;
    assert.match(hover?.contents.value ?? '', /nix\.linux-builder\.enable/, `hover\n${context}`);

    const actions = lines.find((l) => l.kind === 'codeActions')?.payload as
      { title: string; isPreferred?: boolean }[] | undefined;
    assert.ok(actions && actions.length > 0, `quick fixes\n${context}`);
    assert.equal(actions.filter((a) => a.isPreferred).length, 1);
  });

  it('works with the Neovim 0.7 setup documented in docs/editors.md, as written', async function () {
    this.timeout(30_000);
    const docs = readFileSync(join(projectRoot, 'docs/editors.md'), 'utf8');
    const section = docs.slice(docs.indexOf('## Neovim 0.7'));
    const snippet = /```lua\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(snippet, 'docs/editors.md has a Lua block under "## Neovim 0.7"');
    assert.ok(snippet.includes('/path/to/linux-builder-doctor/dist/server.cjs'));
    const init = join(dir, 'documented-init.lua');
    // The user's `node` is on PATH; ours is process.execPath.
    writeFileSync(
      init,
      snippet
        .replace("'node'", JSON.stringify(process.execPath).replace(/"/g, "'"))
        .replace('/path/to/linux-builder-doctor/dist/server.cjs', distServer) + DUMP_DIAGNOSTICS,
    );
    const file = join(dir, 'documented.nix');
    writeFileSync(file, MODULE);
    const { lines, stderr } = await runNeovim(dir, file, xdgHomes(join(dir, 'documented')), 25_000, init);
    const found = (lines.find((l) => l.kind === 'diagnostics')?.payload ?? []) as {
      lnum: number;
      code?: string;
      source?: string;
    }[];
    const diagnostic = found.find((d) => d.code === 'ssh-options');
    assert.ok(
      diagnostic,
      `no ssh-options diagnostic in vim.diagnostic: ${JSON.stringify(lines)}; stderr: ${stderr}`,
    );
    assert.equal(diagnostic.lnum, 6);
    assert.equal(diagnostic.source, 'linux-builder-doctor');
  });
});
