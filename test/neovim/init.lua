-- Neovim 0.7+ headless client for test/neovim/neovim.test.ts: starts our server over stdio,
-- attaches it to the opened buffer, writes each message the test checks as one JSON line on
-- stdout (print() goes to stderr when headless), then quits.
-- Env: LBD_NODE, LBD_SERVER, LBD_HOVER_LINE/LBD_HOVER_CHARACTER (0-based), LBD_DEADLINE_MS.
local function emit(kind, payload)
  io.stdout:write(vim.fn.json_encode({ kind = kind, payload = payload }) .. '\n')
  io.stdout:flush()
end

-- init.lua runs before the file on the command line is read: attach on VimEnter.
local bufnr = nil
local finished = false

local function finish()
  if finished then return end
  finished = true
  vim.schedule(function() vim.cmd('qall!') end)
end

local followed = false
local function follow_up(id, diagnostics)
  if followed then return end
  followed = true
  vim.schedule(function()
    local client = id and vim.lsp.get_client_by_id(id)
    if not client then
      emit('hover', vim.NIL)
      finish()
      return
    end
    local hover_params = {
      textDocument = { uri = vim.uri_from_bufnr(bufnr) },
      position = { line = tonumber(os.getenv('LBD_HOVER_LINE')), character = tonumber(os.getenv('LBD_HOVER_CHARACTER')) },
    }
    local hover = client.request_sync('textDocument/hover', hover_params, 5000, bufnr)
    emit('hover', hover and hover.result or vim.NIL)
    if #diagnostics > 0 then
      -- The ssh-options diagnostic (the one with quick fixes), wherever it comes in the list.
      local wanted = diagnostics[1]
      for _, d in ipairs(diagnostics) do
        if d.code == 'ssh-options' then wanted = d break end
      end
      local actions = client.request_sync('textDocument/codeAction', {
        textDocument = { uri = vim.uri_from_bufnr(bufnr) },
        range = wanted.range,
        context = { diagnostics = { wanted } },
      }, 5000, bufnr)
      emit('codeActions', actions and actions.result or vim.NIL)
    end
    finish()
  end)
end

local client_id = nil

local function start()
  bufnr = vim.api.nvim_get_current_buf()
  client_id = vim.lsp.start_client({
    name = 'linux-builder-doctor',
    cmd = { os.getenv('LBD_NODE') or 'node', os.getenv('LBD_SERVER'), '--stdio' },
    root_dir = vim.fn.getcwd(),
    handlers = {
      ['textDocument/publishDiagnostics'] = function(_, result)
        emit('diagnostics', result)
        if #result.diagnostics > 0 then follow_up(client_id, result.diagnostics) end
      end,
    },
    on_exit = function(code) emit('exit', code) end,
  })
  emit('started', { client_id = client_id, filetype = vim.bo[bufnr].filetype, name = vim.api.nvim_buf_get_name(bufnr) })
  vim.lsp.buf_attach_client(bufnr, client_id)
end

vim.api.nvim_create_autocmd('VimEnter', { callback = start })

-- Never hang the test: give up after the deadline and report that we did.
vim.defer_fn(function()
  if not finished then
    emit('timeout', vim.NIL)
    follow_up(client_id, {})
  end
end, tonumber(os.getenv('LBD_DEADLINE_MS') or '10000'))
