-- :checkhealth bcdc: which server binary is used (and why not the ones before it) and its version,
-- the catalogue, and whether an API key is available (the key itself is never shown).
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

  -- The server that starts: vim.lsp.config('bcdc', { cmd = {...} }) replaces the plugin's lookup;
  -- otherwise the configured cmd, bcdc-lsp on $PATH, the one :BcdcInstall installed (bcdc.binary).
  local binary = require('bcdc.binary')
  local lsp_config = vim.lsp.config and vim.lsp.config.bcdc
  local exe
  if lsp_config and type(lsp_config.cmd) == 'function' and lsp_config.cmd ~= require('bcdc.server').cmd then
    h.info('server: started by the cmd function given with vim.lsp.config (not checked here)')
  elseif lsp_config and type(lsp_config.cmd) == 'table' then
    exe = vim.fn.exepath(lsp_config.cmd[1])
    if exe == '' then
      h.error(('server `%s` (cmd set with vim.lsp.config) is not executable'):format(lsp_config.cmd[1]))
    else
      h.ok(('server: %s (cmd set with vim.lsp.config: %s)'):format(exe, table.concat(lsp_config.cmd, ' ')))
    end
  else
    local found = binary.find(opts.cmd)
    for _, why in ipairs(found.skipped) do
      h.info('skipped: ' .. why)
    end
    if found.argv then
      exe = found.exe
      local detail = found.source == 'cmd' and (': ' .. table.concat(found.argv, ' ')) or ''
      h.ok(('server: %s (%s%s)'):format(exe, binary.sources[found.source], detail))
      local installed = binary.installed_path()
      if found.source ~= 'installed' and vim.fn.executable(installed) == 1 then
        h.info(('not used: %s (installed by :BcdcInstall; %s comes first)'):format(installed, binary.sources[found.source]))
      end
    else
      h.error(found.problem, {
        'Run :BcdcInstall to download bcdc-lsp for this platform',
        'or put bcdc-lsp on $PATH (cargo install --locked, see :help bcdc-install)',
        'or set cmd = { "/path/to/bcdc-lsp", "serve" }',
      })
    end
  end
  if exe and exe ~= '' then
    local version, problem = binary.version_sync(exe)
    if version then
      h.ok('version: ' .. table.concat(version, '; '))
    else
      h.error(problem)
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
      'bcdc-lsp itself falls back to $BCDC_API_KEY (BC catalogues only, unless $BCDC_API_KEY_HOST names the host) and ~/.config/bcdc-lsp/config.toml (not checked here)',
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
