-- The glue between Neovim's LSP client and bcdc-lsp: settings, handlers, and running the server's
-- commands. Only the `bcdc` client is touched, so other servers on the same buffer are unaffected.
local binary = require('bcdc.binary')
local config = require('bcdc.config')
local key = require('bcdc.key')
local lens = require('bcdc.lens')
local record = require('bcdc.record')

local M = {}

M.name = 'bcdc'

--- @return table the `bcdc` settings object of docs/protocol.md, with the key when one is available.
--- Built on demand and never stored in the client's config or settings, where :checkhealth vim.lsp
--- would print it.
function M.settings()
  local opts = config.get()
  local api_key, problem = key.resolve(opts.api_key, opts.catalogue)
  -- A failing key command is a configuration error worth a word; an unset variable is the normal
  -- state of read-only use, and :checkhealth bcdc explains it.
  if problem and opts.api_key and opts.api_key.cmd then
    vim.notify_once('bcdc: no API key: ' .. problem, vim.log.levels.WARN)
  end
  return {
    catalogue = opts.catalogue,
    apiKey = api_key,
    schemaPath = opts.schema_path,
    catalogueRefreshSeconds = opts.catalogue_refresh_seconds,
  }
end

--- Sends the current settings to a running client.
function M.push_settings(client)
  client:notify('workspace/didChangeConfiguration', { settings = { bcdc = M.settings() } })
end

--- @return vim.lsp.Client[] bcdc clients (attached to `bufnr` when given)
function M.clients(bufnr)
  return vim.lsp.get_clients({ name = M.name, bufnr = bufnr })
end

--- Shows a message of the plugin.
function M.notify(message, level)
  vim.notify(message, level, { title = 'bcdc' })
end
local notify = M.notify

-- The server shows each command's outcome with window/showMessage (as "BCDC: <message>") and also
-- returns it; show it once, whichever arrives first.
local recent = {}
local function outcome(message, level)
  local now = vim.uv.now()
  for seen, at in pairs(recent) do
    if now - at > 5000 then
      recent[seen] = nil
    elseif vim.endswith(message, seen) or vim.endswith(seen, message) then
      return
    end
  end
  recent[message] = now
  notify(message, level)
end

local levels = { vim.log.levels.ERROR, vim.log.levels.WARN, vim.log.levels.INFO, vim.log.levels.DEBUG }

M.handlers = {
  ['window/showMessage'] = function(_, params)
    outcome(params.message, levels[params.type] or vim.log.levels.INFO)
  end,
  -- Kept per buffer for statuslines: b:bcdc_status and a `User BcdcStatus` event.
  ['bcdc/status'] = function(_, status)
    local bufnr = vim.fn.bufnr(vim.uri_to_fname(status.uri))
    if bufnr > 0 then
      vim.b[bufnr].bcdc_status = status
      vim.api.nvim_exec_autocmds('User', { pattern = 'BcdcStatus', modeline = false, data = status })
    end
  end,
  -- The record's standing changed (the catalogue answered, a command ran): Neovim 0.11 has no
  -- handler of its own for this request.
  ['workspace/codeLens/refresh'] = lens.on_refresh,
}

--- cmd for vim.lsp.config: looks the server up each time one starts (bcdc.binary), so one put on
--- $PATH or installed by :BcdcInstall is used without restarting Neovim.
function M.cmd(dispatchers, client_config)
  local found = binary.find(config.get().cmd)
  if not found.argv then
    -- vim.lsp.start shows this as a warning when a record file opens.
    error(('bcdc: %s; run :BcdcInstall (see :checkhealth bcdc)'):format(found.problem), 0)
  end
  return vim.lsp.rpc.start(found.argv, dispatchers, {
    cwd = client_config.cmd_cwd,
    env = client_config.cmd_env,
    detached = client_config.detached,
  })
end

--- root_dir for vim.lsp.config: start only for record files (not calling on_dir means "not here").
function M.root_dir(bufnr, on_dir)
  if record.is_record(bufnr, config.get().patterns) then
    on_dir(vim.fs.root(bufnr, { '.git' }) or vim.fs.dirname(vim.api.nvim_buf_get_name(bufnr)))
  end
end

--- before_init for vim.lsp.config: the settings go out as initializationOptions, and the server is
--- told that it may ask for the code lens to be drawn again (Neovim 0.11 does not say so itself;
--- the handler is M.handlers['workspace/codeLens/refresh']).
function M.before_init(params)
  params.initializationOptions = vim.tbl_extend('force', params.initializationOptions or {}, M.settings())
  params.capabilities = vim.tbl_deep_extend('force', params.capabilities or {}, {
    workspace = { codeLens = { refreshSupport = true } },
  })
end

--- on_init for vim.lsp.config: if `settings` were given the nvim-lspconfig way, Neovim has just sent
--- them without the key (which the server would then drop); send the full settings after them.
function M.on_init(client)
  if next(client.settings) then
    M.push_settings(client)
  end
end

--- on_attach for vim.lsp.config: turns on inlay hints (the titles behind licence and organization
--- ids) in the record buffer, unless the `inlay_hints` option is false. Per buffer, so other
--- buffers keep the user's choice. Shows the code lens (where the record stands against the
--- catalogue) unless the `code_lens` option is false.
function M.on_attach(client, bufnr)
  local opts = config.get()
  if opts.inlay_hints and client:supports_method('textDocument/inlayHint', bufnr) then
    vim.lsp.inlay_hint.enable(true, { bufnr = bufnr })
  end
  if opts.code_lens and client:supports_method('textDocument/codeLens', bufnr) then
    lens.attach(client, bufnr)
  end
end

--- Runs a server command and reports the outcome with vim.notify.
--- @param client vim.lsp.Client
--- @param bufnr integer
--- @param command string e.g. 'bcdc.publish'
--- @param arguments any[]
--- @param on_ok? fun(result: table) called after a successful command
--- @param quiet? boolean show nothing on success (on_ok shows the result)
function M.exec(client, bufnr, command, arguments, on_ok, quiet)
  local provider = client.server_capabilities and client.server_capabilities.executeCommandProvider
  local offered = type(provider) == 'table' and provider.commands or {}
  if not vim.list_contains(offered, command) then
    notify(('bcdc: this bcdc-lsp does not offer %s (is it up to date?)'):format(command), vim.log.levels.ERROR)
    return
  end
  local params = { command = command, arguments = arguments }
  client:request('workspace/executeCommand', params, function(err, result)
    if err then
      notify(('bcdc: %s failed: %s'):format(command, err.message or vim.inspect(err)), vim.log.levels.ERROR)
    elseif type(result) ~= 'table' then
      notify(('bcdc: %s gave no result'):format(command), vim.log.levels.ERROR)
    elseif result.ok then
      if not quiet then
        outcome(result.message or (command .. ' done'), vim.log.levels.INFO)
      end
      if on_ok then
        on_ok(result)
      end
    else
      outcome(result.message or (command .. ' failed'), vim.log.levels.ERROR)
    end
  end, bufnr)
end

--- @return boolean whether `bufnr` is a loaded buffer of a file
local function file_buffer(bufnr)
  return bufnr ~= nil and vim.api.nvim_buf_is_loaded(bufnr) and vim.bo[bufnr].buftype == ''
    and vim.api.nvim_buf_get_name(bufnr) ~= ''
end

--- Saves `bufnr` if it has unsaved changes; reports a failure.
--- @return boolean whether the file now holds the buffer's text
local function save(bufnr)
  if not file_buffer(bufnr) then
    return false
  end
  if not vim.bo[bufnr].modified then
    return true
  end
  local ok, err = pcall(vim.api.nvim_buf_call, bufnr, function()
    vim.cmd('silent write')
  end)
  if not ok then
    notify(('bcdc: could not save %s: %s'):format(vim.api.nvim_buf_get_name(bufnr), err), vim.log.levels.ERROR)
  end
  return ok
end

--- Runs `bcdc.publish`, after asking when the catalogue is prod; on success saves the buffer, which
--- now holds the new id (the server wrote it), as the record now is on the catalogue.
function M.publish(client, bufnr, arguments)
  local function run()
    M.exec(client, bufnr, 'bcdc.publish', arguments, function()
      save(bufnr)
    end)
  end
  local catalogue = config.get().catalogue
  if not config.is_prod(catalogue) then
    return run()
  end
  local file = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':t')
  vim.ui.select({ 'Publish', 'Cancel' }, {
    prompt = ('Publish %s to the PRODUCTION BC Data Catalogue (%s)?'):format(file, config.catalogue_url(catalogue)),
  }, function(choice)
    if choice == 'Publish' then
      run()
    else
      notify('bcdc: publish cancelled', vim.log.levels.INFO)
    end
  end)
end

--- Runs `bcdc.patch` (the server lists the changes and asks to confirm); on success saves the
--- buffer, whose text is now the record on the catalogue. `arguments` may carry the quick fix's
--- `{ side = 'mine' }`, passed on as they are.
function M.update(client, bufnr, arguments)
  M.exec(client, bufnr, 'bcdc.patch', arguments, function()
    save(bufnr)
  end)
end

--- Runs `bcdc.diff` and shows the differing fields side by side in a new tab (bcdc.diff), or says
--- that the record is the same on the catalogue.
function M.diff(client, bufnr, arguments)
  M.exec(client, bufnr, 'bcdc.diff', arguments, function(result)
    if (tonumber(result.fields) or 0) == 0 then
      outcome(result.message or 'the record is the same on the catalogue', vim.log.levels.INFO)
    else
      require('bcdc.diff').show(bufnr, result)
    end
  end, true)
end

--- Runs `bcdc.pullChanges`: saves the buffer first (the server writes the catalogue's changes into
--- the file on disk, and refuses while the buffer differs from it), then reloads the buffer from
--- the file.
function M.pull_changes(client, bufnr, arguments)
  if file_buffer(bufnr) and not save(bufnr) then
    return
  end
  M.exec(client, bufnr, 'bcdc.pullChanges', arguments, function()
    if not file_buffer(bufnr) then
      return
    end
    if vim.bo[bufnr].modified then
      -- edited while the command ran: leave the choice to the user
      notify(('bcdc: %s changed on disk; :edit! shows it (your unsaved edits would be lost)')
        :format(vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':t')), vim.log.levels.WARN)
      return
    end
    vim.api.nvim_buf_call(bufnr, function()
      vim.cmd('silent edit')
    end)
  end)
end

--- The buffer a command is about: the one whose URI is its first argument, else the context's.
local function target(command, ctx)
  local uri = type(command.arguments) == 'table' and command.arguments[1]
  if type(uri) == 'string' then
    for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(bufnr) and vim.uri_from_bufnr(bufnr) == uri then
        return bufnr
      end
    end
  end
  return ctx.bufnr
end

--- Client-side handlers of server commands (vim.lsp.ClientConfig.commands), run for the code lens
--- (vim.lsp.codelens.run(), :BcdcLens) and the code actions: publish asks first on prod as
--- :BcdcPublish does, publish and update save the record afterwards, Show diff opens a diff view,
--- Pull saves first and reloads after. The server's arguments are passed on as they are.
local function handler(run)
  return function(command, ctx)
    run(assert(vim.lsp.get_client_by_id(ctx.client_id)), target(command, ctx), command.arguments)
  end
end
M.commands = {
  ['bcdc.publish'] = handler(function(...)
    M.publish(...)
  end),
  ['bcdc.patch'] = handler(function(...)
    M.update(...)
  end),
  ['bcdc.diff'] = handler(function(...)
    M.diff(...)
  end),
  ['bcdc.pullChanges'] = handler(function(...)
    M.pull_changes(...)
  end),
}

return M
