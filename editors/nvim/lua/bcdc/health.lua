-- :checkhealth bcdc: the server binary and its version, the catalogue, and whether an API key is
-- available (the key itself is never shown).
local M = {}

function M.check()
  local h = vim.health
  h.start('bcdc')
  if vim.fn.has('nvim-0.11') == 0 then
    h.error('Neovim 0.11 or newer is needed (vim.lsp.config / vim.lsp.enable)')
  end

  local ok, config = pcall(function()
    local c = require('bcdc.config')
    c.get()
    return c
  end)
  if not ok then
    h.error(tostring(config), 'Fix the options in vim.g.bcdc or require("bcdc").setup{}')
    return
  end
  local opts = config.get()

  -- The command actually used: vim.lsp.config('bcdc', {cmd = ...}) wins over the plugin's option.
  local lsp_config = vim.lsp.config and vim.lsp.config.bcdc
  local cmd = lsp_config and type(lsp_config.cmd) == 'table' and lsp_config.cmd or opts.cmd
  local exe = vim.fn.exepath(cmd[1])
  if exe == '' then
    h.error(('server `%s` not found'):format(cmd[1]), {
      'Install bcdc-lsp (cargo install --path . in the bcdc-lsp repository) and put it on $PATH',
      'or set cmd = { "/path/to/bcdc-lsp", "serve" }',
    })
  else
    h.ok(('server: %s (cmd: %s)'):format(exe, table.concat(cmd, ' ')))
    local res = vim.system({ exe, '--version' }, { text = true }):wait(5000)
    local version = vim.trim(res.stdout or '')
    if res.code == 0 and version ~= '' then
      h.ok('version: ' .. version)
    else
      h.error(('`%s --version` failed (exit %d): %s'):format(exe, res.code, vim.trim(res.stderr or '')))
    end
  end

  local catalogue = opts.catalogue
  h.info(('catalogue: %s (%s)'):format(catalogue, config.catalogue_url(catalogue)))
  if config.is_prod(catalogue) then
    h.warn('publishing goes to the PRODUCTION catalogue (:BcdcPublish asks first)')
  end

  local key, problem = require('bcdc.key').resolve(opts.api_key, catalogue)
  local source = require('bcdc.key').describe(opts.api_key)
  if key then
    h.ok(('API key: available from %s'):format(source))
  else
    h.warn(('API key: not available (%s)'):format(problem), {
      'Needed for :BcdcPublish and :BcdcUpdate',
      'api_key = { env = "BCDC_API_KEY" } or { cmd = { "pass", "show", "bcdc" } }',
      'bcdc-lsp itself falls back to $BCDC_API_KEY and ~/.config/bcdc-lsp/config.toml (not checked here)',
    })
  end

  local clients = require('bcdc.server').clients()
  if vim.lsp.is_enabled and not vim.lsp.is_enabled('bcdc') and #clients == 0 then
    h.warn('the bcdc LSP config is not enabled', 'Call require("bcdc").setup{} or vim.lsp.enable("bcdc")')
  end
  for _, client in ipairs(clients) do
    local bufs = vim.tbl_keys(client.attached_buffers)
    h.info(('bcdc-lsp running (client %d, root %s), attached to %d buffer(s)'):format(client.id, client.root_dir or '-', #bufs))
  end
end

return M
