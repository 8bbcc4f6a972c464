-- The code lens on a record's first line: where the record stands against the catalogue
-- ("Not published | Publish", "Published · unchanged", "1 field to update | Update | Show diff",
-- ...; docs/protocol.md, "Code lens"), kept up to date, and :BcdcLens to run one of its items.
--
-- Neovim 0.11 draws lenses (vim.lsp.codelens) but asks for them only when told to, and does not
-- take the server's `workspace/codeLens/refresh`. So the plugin asks when the buffer is entered,
-- after insert mode, after a change in normal mode, after a save, and whenever the server says
-- the record's standing changed (the catalogue answered, a command ran). It asks the bcdc client
-- itself rather than through vim.lsp.codelens.refresh(), which drops a request while one is
-- under way: a refresh from the server arriving then would be lost and the lens stay stale.
local M = {}

local method = 'textDocument/codeLens'

-- bufnr -> true while a lens request is under way, 'again' when another is due once it returns.
local pending = {}
-- bufnr -> true for buffers whose lenses the plugin keeps up to date.
local active = {}
-- bufnr -> uv timer of the change debounce
local timers = {}

--- Asks the `client` for the lenses of `bufnr`; `done(lenses)` gets them (nil on an error).
local function request(client, bufnr, done)
  local params = { textDocument = vim.lsp.util.make_text_document_params(bufnr) }
  local ok = client:request(method, params, function(err, result, ctx)
    if active[bufnr] and vim.api.nvim_buf_is_loaded(bufnr) then
      -- stores them for vim.lsp.codelens.get()/run() and draws them
      vim.lsp.codelens.on_codelens(err, result, ctx)
    end
    done(not err and result or nil, err)
  end, bufnr)
  if not ok then
    done(nil, { message = 'the server is not running' })
  end
end

--- Asks again for the lenses of `bufnr`: at once, or when the request under way has returned.
function M.refresh(client, bufnr)
  if not active[bufnr] or client:is_stopped() then
    return
  end
  if pending[bufnr] then
    pending[bufnr] = 'again'
    return
  end
  pending[bufnr] = true
  request(client, bufnr, function()
    local again = pending[bufnr] == 'again'
    pending[bufnr] = nil
    if again then
      M.refresh(client, bufnr)
    end
  end)
end

--- @return boolean whether the plugin shows the lens in `bufnr`
function M.is_active(bufnr)
  return active[bufnr] == true
end

local function stop(bufnr)
  active[bufnr], pending[bufnr] = nil, nil
  if timers[bufnr] then
    timers[bufnr]:stop()
    timers[bufnr]:close()
    timers[bufnr] = nil
  end
  pcall(vim.api.nvim_del_augroup_by_name, 'bcdc.lens.' .. bufnr)
end

-- Edits in normal mode (dd, u, p, a quick fix) come in bursts: ask once they pause.
local debounce_ms = 400

--- Shows the lens in `bufnr` and keeps it up to date (from on_attach).
function M.attach(client, bufnr)
  active[bufnr] = true
  local group = vim.api.nvim_create_augroup('bcdc.lens.' .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'BufWritePost' }, {
    group = group,
    buffer = bufnr,
    desc = 'bcdc: ask for the code lens again',
    callback = function()
      M.refresh(client, bufnr)
    end,
  })
  vim.api.nvim_create_autocmd('TextChanged', {
    group = group,
    buffer = bufnr,
    desc = 'bcdc: ask for the code lens again after an edit',
    callback = function()
      timers[bufnr] = timers[bufnr] or vim.uv.new_timer()
      timers[bufnr]:start(debounce_ms, 0, vim.schedule_wrap(function()
        M.refresh(client, bufnr)
      end))
    end,
  })
  -- (a reload, :edit or :checktime, keeps the client attached: the lens goes on)
  vim.api.nvim_create_autocmd({ 'LspDetach', 'BufWipeout' }, {
    group = group,
    buffer = bufnr,
    callback = function(args)
      if args.event == 'BufWipeout' or args.data.client_id == client.id then
        stop(bufnr)
      end
    end,
  })
  M.refresh(client, bufnr)
end

--- Handler of the server's `workspace/codeLens/refresh`: ask again for the lenses of every buffer
--- of that client that shows them.
function M.on_refresh(_, _, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if client then
    for bufnr in pairs(client.attached_buffers) do
      M.refresh(client, bufnr)
    end
  end
  return vim.NIL
end

local function actionable(lens)
  return lens.command and lens.command.command ~= nil and lens.command.command ~= ''
end

--- :BcdcLens: asks for the lens of `bufnr` now, then runs its only item, or asks which one.
--- Works with the `code_lens` option off too.
--- @param notify fun(message: string, level: integer)
function M.run(client, bufnr, notify)
  request(client, bufnr, function(lenses, err)
    if not lenses then
      notify(('bcdc: no code lens: %s'):format(err and err.message or 'not a record?'), vim.log.levels.ERROR)
      return
    end
    local said, items = {}, {}
    for _, lens in ipairs(lenses) do
      if lens.range.start.line == 0 and lens.command then
        if actionable(lens) then
          items[#items + 1] = lens
        else
          said[#said + 1] = lens.command.title
        end
      end
    end
    local status = table.concat(said, ' · ')
    local function exec(lens)
      client:exec_cmd(lens.command, { bufnr = bufnr })
    end
    if #items == 0 then
      notify(('bcdc: %s (nothing to do)'):format(status ~= '' and status or 'no code lens'), vim.log.levels.INFO)
    elseif #items == 1 then
      exec(items[1])
    else
      vim.ui.select(items, {
        prompt = (status ~= '' and status .. ': ' or '') .. 'what now?',
        kind = 'codelens',
        format_item = function(lens)
          return lens.command.title
        end,
      }, function(lens)
        if lens then
          exec(lens)
        end
      end)
    end
  end)
end

return M
