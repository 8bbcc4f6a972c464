-- bcdc.nvim: BC Data Catalogue record files with bcdc-lsp.
--   require('bcdc').setup{ catalogue = 'test', api_key = { env = 'BCDC_API_KEY' } }
-- or, natively: vim.g.bcdc = {...}; vim.lsp.enable('bcdc')   (see :help bcdc)
local config = require('bcdc.config')
local server = require('bcdc.server')

local M = {}

local notify = server.notify
local ERROR = vim.log.levels.ERROR

local function buf(bufnr)
  return (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
end

--- The user commands and filetype rules; safe to run more than once.
function M.init()
  -- Record files keep their yaml/json filetype so YAML/JSON servers attach as well.
  vim.filetype.add({ pattern = { ['.*%.bcdc%.ya?ml'] = 'yaml', ['.*%.bcdc%.json'] = 'json' } })
  require('bcdc.commands').define()
end

--- Installs the server (:BcdcInstall) and starts it for open record files that have none yet.
function M.install()
  notify('bcdc: downloading bcdc-lsp ...', vim.log.levels.INFO)
  require('bcdc.install').run(function(ok, message)
    notify(message, ok and vim.log.levels.INFO or ERROR)
    if ok and vim.lsp.is_enabled(server.name) and #server.clients() == 0 then
      vim.lsp.enable(server.name) -- re-runs the FileType check of every buffer
    end
  end)
end

--- Stores the options, configures and enables the `bcdc` LSP config, and sends the new settings to
--- servers already running.
function M.setup(opts)
  config.set(opts or {})
  M.init()
  local o = config.get()
  vim.lsp.config(server.name, { cmd = server.cmd, filetypes = o.filetypes })
  vim.lsp.enable(server.name)
  for _, client in ipairs(server.clients()) do
    server.push_settings(client)
  end
end

local function buffer_client(bufnr)
  local client = server.clients(bufnr)[1]
  if not client then
    notify('bcdc: bcdc-lsp is not attached to this buffer (not a record file? see :checkhealth bcdc)', ERROR)
  end
  return client
end

--- Creates the record of `bufnr` on the catalogue (`bcdc.publish`); asks first when that is prod.
function M.publish(bufnr)
  bufnr = buf(bufnr)
  local client = buffer_client(bufnr)
  if client then
    server.publish(client, bufnr, { vim.uri_from_bufnr(bufnr) })
  end
end

--- Sends the changed fields of `bufnr` to the catalogue (`bcdc.patch`); the server asks to confirm.
function M.update(bufnr)
  bufnr = buf(bufnr)
  local client = buffer_client(bufnr)
  if client then
    server.update(client, bufnr, { vim.uri_from_bufnr(bufnr) })
  end
end

--- Runs an item of the code lens of `bufnr` (Publish, Update, Pull, Show diff): the only one, or
--- the one picked with vim.ui.select; says where the record stands when there is nothing to do.
function M.lens(bufnr)
  bufnr = buf(bufnr)
  local client = buffer_client(bufnr)
  if client then
    require('bcdc.lens').run(client, bufnr, notify)
  end
end

-- Pull works without a record open: use any bcdc client, or start one for the cwd.
local function any_client()
  local client = server.clients()[1]
  if client then
    return client
  end
  local cfg = vim.lsp.config[server.name]
  if not cfg then
    notify('bcdc: no `bcdc` LSP config (is the plugin on the runtimepath?)', ERROR)
    return nil
  end
  cfg = vim.deepcopy(cfg)
  cfg.root_dir = vim.fn.getcwd()
  local id = vim.lsp.start(cfg, { attach = false })
  client = id and vim.lsp.get_client_by_id(id)
  if not client or not vim.wait(10000, function()
    return client.initialized or client:is_stopped()
  end, 20) or not client.initialized then
    notify('bcdc: could not start bcdc-lsp (see :checkhealth bcdc)', ERROR)
    return nil
  end
  return client
end

--- Fetches a record (`bcdc.pull`) into `path` (default `{name}.bcdc.yaml` in the cwd), opens and
--- saves it. Refuses to replace an existing file.
function M.pull(name, path)
  path = vim.fn.fnamemodify(path or (name .. '.bcdc.yaml'), ':p')
  if vim.uv.fs_stat(path) then
    notify(('bcdc: %s already exists; give another path: :BcdcPull %s {path}'):format(path, name), ERROR)
    return
  end
  local client = any_client()
  if not client then
    return
  end
  server.exec(client, 0, 'bcdc.pull', { name, vim.uri_from_fname(path) }, function()
    vim.cmd.edit(vim.fn.fnameescape(path))
    -- The server filled the buffer from the catalogue's copy: save it as the record file.
    if vim.bo.modified then
      vim.cmd.write()
    end
  end)
end

--- Shows (no argument) or switches the catalogue for this session and tells running servers.
function M.catalogue(value)
  if value == nil or value == '' then
    local c = config.get().catalogue
    notify(('bcdc: catalogue %s (%s)'):format(c, config.catalogue_url(c)), vim.log.levels.INFO)
    return
  end
  local ok, err = pcall(config.set_catalogue, value)
  if not ok then
    notify(err, ERROR)
    return
  end
  for _, client in ipairs(server.clients()) do
    server.push_settings(client)
  end
  notify(('bcdc: catalogue is now %s (%s)'):format(value, config.catalogue_url(value)), vim.log.levels.INFO)
end

--- @return string a short status for statuslines, from the server's last bcdc/status ('' if none)
function M.status(bufnr)
  local s = vim.b[buf(bufnr)].bcdc_status
  if type(s) ~= 'table' then
    return ''
  end
  local published = s.id ~= nil and s.id ~= vim.NIL
  return ('bcdc %s E%d W%d%s'):format(s.catalogue, s.errors or 0, s.warnings or 0, published and ' published' or '')
end

return M
