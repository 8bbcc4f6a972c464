-- Which bcdc-lsp the plugin runs. The lookup order (see :help bcdc-server): the configured `cmd`,
-- then `bcdc-lsp` on $PATH, then the binary :BcdcInstall put in the plugin's data directory.
-- The server start and :checkhealth bcdc both ask find(), so they always agree.
local M = {}

local windows = vim.fn.has('win32') == 1

--- @return string the directory :BcdcInstall installs into
function M.install_dir()
  return vim.fs.joinpath(vim.fn.stdpath('data'), 'bcdc-lsp')
end

--- @return string the path of the binary :BcdcInstall installs
function M.installed_path()
  return vim.fs.joinpath(M.install_dir(), windows and 'bcdc-lsp.exe' or 'bcdc-lsp')
end

--- What a `source` of find() means, for messages.
M.sources = {
  cmd = 'the configured cmd',
  path = 'bcdc-lsp on $PATH',
  installed = 'installed by :BcdcInstall',
}

--- @class bcdc.Found
--- @field argv? string[] the server command; nil when no usable server was found
--- @field exe? string the absolute path of the binary
--- @field source? 'cmd'|'path'|'installed' where it was found
--- @field skipped string[] why the places before it were not used, in lookup order
--- @field problem? string why there is no usable server

--- @param cmd? string[] the `cmd` option: when set, it is the answer (a broken one is an error, not
--- a reason to run some other binary the user did not ask for)
--- @return bcdc.Found
function M.find(cmd)
  local skipped = {}
  if cmd then
    local exe = vim.fn.exepath(cmd[1])
    if exe ~= '' then
      return { argv = cmd, exe = exe, source = 'cmd', skipped = skipped }
    end
    return { source = 'cmd', skipped = skipped, problem = ('the configured cmd `%s` is not executable'):format(cmd[1]) }
  end
  skipped[#skipped + 1] = 'no cmd configured'
  local on_path = vim.fn.exepath('bcdc-lsp')
  if on_path ~= '' then
    return { argv = { on_path, 'serve' }, exe = on_path, source = 'path', skipped = skipped }
  end
  skipped[#skipped + 1] = 'no bcdc-lsp on $PATH'
  local installed = M.installed_path()
  if vim.fn.executable(installed) == 1 then
    return { argv = { installed, 'serve' }, exe = installed, source = 'installed', skipped = skipped }
  end
  skipped[#skipped + 1] = ('nothing installed by :BcdcInstall (%s)'):format(installed)
  return { skipped = skipped, problem = 'bcdc-lsp not found: ' .. table.concat(skipped, ', ') }
end

--- @param exe string
--- @param on_done fun(version?: string[], problem?: string) called with the lines of
--- `exe --version` (the first is "bcdc-lsp X.Y.Z"; later ones may name the built-in schema), or
--- why there are none
function M.version(exe, on_done)
  local ok, err = pcall(vim.system, { exe, '--version' }, { text = true, timeout = 10000 }, function(res)
    local lines = vim.split(vim.trim(res.stdout or ''), '\n%s*')
    if res.code == 0 and vim.startswith(lines[1], 'bcdc-lsp ') then
      return on_done(lines)
    end
    if res.code == 0 then
      return on_done(nil, ('`%s --version` says %q: not bcdc-lsp'):format(exe, lines[1]))
    end
    local why = vim.trim(res.stderr or '')
    on_done(nil, ('`%s --version` failed (exit %d)%s'):format(exe, res.code, why ~= '' and (': ' .. why) or ''))
  end)
  if not ok then
    on_done(nil, ('`%s --version` could not start: %s'):format(exe, err))
  end
end

--- The same, waiting for the answer (for :checkhealth).
--- @return string[]? version
--- @return string? problem
function M.version_sync(exe)
  local version, problem
  M.version(exe, function(v, p)
    version, problem = v or false, p
  end)
  vim.wait(15000, function()
    return version ~= nil
  end, 10)
  if version == nil then
    return nil, ('`%s --version` gave no answer'):format(exe)
  end
  return version or nil, problem
end

return M
