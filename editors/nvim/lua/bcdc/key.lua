-- Reads the catalogue API key from its configured source. The key itself is only ever returned to
-- the caller that sends it to the server: never printed, logged or stored in an LSP config.
local config = require('bcdc.config')

local M = {}

-- The default source: a variable that names no host. As in the server (docs/protocol.md), its key
-- goes only to the BC catalogues, or to the one host $BCDC_API_KEY_HOST names, so that a
-- catalogue set by a project-local config (exrc) cannot collect it.
local UNNAMED = 'BCDC_API_KEY'

--- @return boolean whether a key from $BCDC_API_KEY may go to `catalogue`
function M.unnamed_key_allowed(catalogue)
  local url = config.catalogues[catalogue] or catalogue
  local host = (url:match('^https?://([^/]+)') or ''):lower()
  local named = vim.trim(vim.env.BCDC_API_KEY_HOST or ''):lower()
  if named ~= '' then
    return named == host or named == host:gsub(':%d+$', '')
  end
  for _, bc in pairs(config.catalogues) do
    if url:gsub('/+$', '') == bc then
      return true
    end
  end
  return false
end

-- Keys read by a command, per command and catalogue: a password manager may prompt, so ask once a
-- session.
local from_cmd = {}

--- @return string how the key is found, safe to show
function M.describe(src)
  if src == false then
    return 'no key source (api_key = false)'
  elseif src.env then
    return ('environment variable $%s'):format(src.env)
  end
  local cmd = type(src.cmd) == 'table' and table.concat(src.cmd, ' ') or src.cmd
  return ('command `%s`'):format(cmd)
end

--- @param src table|false the api_key option
--- @param catalogue string passed to a key command as $BCDC_CATALOGUE, so one command can serve several
--- @return string? key
--- @return string? problem why there is no key (never contains the key)
function M.resolve(src, catalogue)
  if src == false then
    return nil, 'no API key source configured'
  end
  if src.env then
    if src.env == UNNAMED and not M.unnamed_key_allowed(catalogue) then
      return nil, ('$%s is sent only to the BC catalogues (test, prod) unless $BCDC_API_KEY_HOST names %s'):format(
        UNNAMED, catalogue)
    end
    local key = vim.env[src.env]
    if key == nil or vim.trim(key) == '' then
      return nil, ('$%s is not set'):format(src.env)
    end
    return vim.trim(key)
  end
  local cached = M.describe(src) .. ' ' .. catalogue
  if from_cmd[cached] then
    return from_cmd[cached]
  end
  local argv = type(src.cmd) == 'table' and src.cmd or { vim.o.shell, vim.o.shellcmdflag, src.cmd }
  local ok, proc = pcall(vim.system, argv, { text = true, env = { BCDC_CATALOGUE = catalogue } })
  if not ok then
    return nil, ('%s could not start: %s'):format(M.describe(src), proc)
  end
  local res = proc:wait(15000)
  if res.code ~= 0 then
    local why = vim.split(vim.trim(res.stderr or ''), '\n')[1]
    return nil, ('%s exited with code %d%s'):format(M.describe(src), res.code, why ~= '' and (': ' .. why) or '')
  end
  local key = vim.trim(vim.split(res.stdout or '', '\n')[1] or '')
  if key == '' then
    return nil, ('%s printed no key'):format(M.describe(src))
  end
  from_cmd[cached] = key
  return key
end

return M
