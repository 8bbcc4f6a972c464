-- End-to-end test of how the plugin finds its server, run by e2e.sh as Neovim's init file:
--   nvim --headless -i NONE -n -u test/lookup.lua
-- The plugin is installed as a native package (pack/bcdc/start/bcdc under $XDG_DATA_HOME), set up
-- with require('bcdc').setup{} and no cmd, and $PATH has no bcdc-lsp. Then, in lookup order from
-- the last place to the first: nothing found; :BcdcInstall against a release server on 127.0.0.1
-- (unreachable, checksum mismatch, asset not listed, another version's server, then a good install
-- of the plugin's version, then a failed update that keeps the good binary); bcdc-lsp on $PATH; the configured cmd; vim.lsp.config's cmd. Each time
-- :checkhealth bcdc must name the binary used and why the earlier places were skipped, and the
-- server that really starts (its process) must be that binary.
-- Env: BCDC_LSP (the binary the release server serves), E2E_WS (workspace with invalid.bcdc.yaml).
-- Prints `E2E {json}` per step and `E2E RESULT PASS|FAIL`, and exits 0 or 1.

local steps = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/steps.lua')
local step = steps.step

local server_bin = assert(os.getenv('BCDC_LSP'), 'BCDC_LSP not set')
local ws = assert(os.getenv('E2E_WS'), 'E2E_WS not set')
local timeout = 60000

-- What the plugin tells the user, kept for the checks.
local notes = {}
vim.notify = function(msg, level)
  notes[#notes + 1] = { msg = msg, level = level }
end
local function note_after(count, pattern)
  for i = count + 1, #notes do
    if notes[i].msg:find(pattern, 1, true) then
      return notes[i]
    end
  end
end

-- $PATH without any bcdc-lsp (a developer may have run cargo install), like a machine without Rust.
local dirs = vim.tbl_filter(function(dir)
  return vim.fn.executable(dir .. '/bcdc-lsp') == 0
end, vim.split(vim.env.PATH, ':', { plain = true }))
vim.env.PATH = table.concat(dirs, ':')

-- The user's init.lua: the plugin is a start package, so require works here already.
require('bcdc').setup({})

local function sha256(path)
  local res = vim.system({ 'sha256sum', path }, { text = true }):wait()
  return (res.stdout or ''):match('^(%x+)')
end

-- The release server: the contract's asset name for this machine, written here rather than asked
-- of the plugin, and SHA256SUMS files in `sha256sum` format.
local target = ({ x86_64 = 'linux-x64', aarch64 = 'linux-arm64' })[vim.uv.os_uname().machine]
local asset = 'bcdc-lsp-' .. (target or 'unknown')
local function release(dir, sums)
  vim.fn.mkdir(ws .. '/release/' .. dir, 'p')
  vim.uv.fs_symlink(server_bin, ws .. '/release/' .. dir .. '/' .. asset)
  vim.fn.writefile(sums, ws .. '/release/' .. dir .. '/SHA256SUMS')
end
local real_sum = sha256(server_bin)
local other_sum = ('0'):rep(64)
-- the good release is where install.base_url's `{version}` points: the plugin's version
local plugin_version = require('bcdc.version')
release('good/v' .. plugin_version,
  { other_sum .. '  bcdc-lsp-darwin-arm64', real_sum .. '  ' .. asset, other_sum .. '  bcdc-lsp-win32-x64.exe' })
release('bad', { other_sum .. '  ' .. asset })
release('unlisted', { other_sum .. '  bcdc-lsp-darwin-arm64' })
-- another release's server: a stand-in that answers --version with another version
local other_server = ws .. '/release/other/' .. asset
vim.fn.mkdir(ws .. '/release/other', 'p')
vim.fn.writefile({ '#!/bin/sh', 'echo "bcdc-lsp 0.0.1"' }, other_server)
vim.uv.fs_chmod(other_server, tonumber('755', 8))
vim.fn.writefile({ sha256(other_server) .. '  ' .. asset }, ws .. '/release/other/SHA256SUMS')

local http, port
local function start_release_server()
  -- `timeout`: gone even if this Neovim is killed before the cleanup after the run stops it
  local argv = { 'timeout', '300', 'python3', '-u', '-m', 'http.server', '--bind', '127.0.0.1', '--directory', ws .. '/release', '0' }
  http = vim.system(argv, {
    stdout = function(_, data)
      port = port or (data and data:match('port (%d+)'))
    end,
  })
  vim.wait(10000, function()
    return port ~= nil
  end, 20)
  return port
end

-- A port nothing listens on: bound by us, then closed.
local function closed_port()
  local tcp = assert(vim.uv.new_tcp())
  tcp:bind('127.0.0.1', 0)
  local p = tcp:getsockname().port
  tcp:close()
  return p
end

local function bcdc_client(buf)
  return vim.lsp.get_clients({ name = 'bcdc', bufnr = buf })[1]
end

-- The command lines of Neovim's child processes, from /proc: which binary really serves.
local function children()
  local me, lines = tostring(vim.uv.os_getpid()), {}
  for _, pid in ipairs(vim.fn.readdir('/proc', function(name)
    return name:match('^%d+$') and 1 or 0
  end)) do
    local stat = io.open('/proc/' .. pid .. '/stat')
    -- "pid (comm) state ppid ...": comm may hold spaces, so read after its closing parenthesis
    local ppid = stat and stat:read('*a'):match('%) %S+ (%d+)')
    local cmdline = ppid == me and io.open('/proc/' .. pid .. '/cmdline')
    if cmdline then
      lines[#lines + 1] = vim.trim((cmdline:read('*a'):gsub('%z', ' ')))
      cmdline:close()
    end
    if stat then
      stat:close()
    end
  end
  return lines
end
local function serving(exe)
  return vim.list_contains(children(), exe .. ' serve')
end

local function health()
  vim.cmd('checkhealth bcdc')
  io.stdout:write('\n') -- after checkhealth's progress text
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  vim.cmd('bwipeout')
  return lines, table.concat(lines, '\n')
end
local function has_all(text, fragments)
  for _, fragment in ipairs(fragments) do
    if not text:find(fragment, 1, true) then
      return false, fragment
    end
  end
  return true
end

local installed = vim.fn.stdpath('data') .. '/bcdc-lsp/bcdc-lsp'
local function install_dir_files()
  local dir = vim.fn.stdpath('data') .. '/bcdc-lsp'
  return vim.fn.isdirectory(dir) == 1 and vim.fn.readdir(dir) or {}
end

-- Runs :BcdcInstall from `base_url` and returns its outcome message.
local function bcdc_install(base_url)
  require('bcdc').setup({ install = { base_url = base_url } })
  local shown = #notes
  vim.cmd('BcdcInstall')
  local done
  vim.wait(timeout, function()
    done = note_after(shown, 'nothing was installed') or note_after(shown, 'bcdc: installed')
    return done ~= nil
  end, 50)
  return done and done.msg or '(no outcome shown)', done and done.level
end

local function restart()
  vim.lsp.enable('bcdc', false)
  vim.wait(10000, function()
    return #vim.lsp.get_clients({ name = 'bcdc' }) == 0
  end, 20)
  vim.lsp.enable('bcdc')
end

local function wait_attached(buf)
  vim.wait(20000, function()
    local c = bcdc_client(buf)
    return c ~= nil and c.initialized
  end, 20)
  return bcdc_client(buf)
end

local function run()
  step('start', target ~= nil and real_sum ~= nil and vim.fn.exepath('bcdc-lsp') == '',
    { target = target, nvim = tostring(vim.version()), path_has_bcdc_lsp = vim.fn.exepath('bcdc-lsp') })
  if not start_release_server() then
    return step('release_server', false, 'python3 -m http.server did not start')
  end
  local base = 'http://127.0.0.1:' .. port

  -- 1. Nothing anywhere: opening a record says what to do, and checkhealth explains.
  local shown = #notes
  vim.cmd.edit(vim.fn.fnameescape(ws .. '/invalid.bcdc.yaml'))
  local buf = vim.api.nvim_get_current_buf()
  vim.wait(5000, function()
    return note_after(shown, ':BcdcInstall') ~= nil
  end, 20)
  local told = note_after(shown, ':BcdcInstall')
  local lines, report = health()
  local ok, missing = has_all(report, { 'skipped: no cmd configured', 'skipped: no bcdc-lsp on $PATH',
    'ERROR bcdc-lsp not found', 'nothing installed by :BcdcInstall', 'Run :BcdcInstall' })
  step('nothing_found', told ~= nil and bcdc_client(buf) == nil and ok,
    { told = told and told.msg, missing = missing, health = lines })

  -- 2. :BcdcInstall with the release server unreachable: a clear message, nothing installed.
  local msg = bcdc_install('http://127.0.0.1:' .. closed_port())
  step('install_unreachable', msg:find('cannot reach', 1, true) and msg:find('offline', 1, true)
    and #install_dir_files() == 0, { message = msg, files = install_dir_files() })

  -- 3. A download that does not match SHA256SUMS is refused and removed.
  msg = bcdc_install(base .. '/bad')
  step('install_checksum_mismatch', msg:find('checksum mismatch for ' .. asset, 1, true)
    and msg:find(real_sum, 1, true) and #install_dir_files() == 0, { message = msg, files = install_dir_files() })

  -- 4. A release without this platform's asset says so.
  msg = bcdc_install(base .. '/unlisted/')
  step('install_not_listed', msg:find('lists no ' .. asset, 1, true) ~= nil and #install_dir_files() == 0,
    { message = msg, files = install_dir_files() })

  -- 5. Another version's server is refused: the plugin installs the server it is made for.
  msg = bcdc_install(base .. '/other')
  step('install_other_version', msg:find('is bcdc-lsp 0.0.1, but this plugin works with bcdc-lsp ' .. plugin_version, 1, true)
    and msg:find('nothing was installed', 1, true) and #install_dir_files() == 0,
    { message = msg, files = install_dir_files() })

  -- 6. The release of the plugin's version (`{version}` in base_url) installs, and the open record
  -- gets its server at once, from the installed binary.
  msg = bcdc_install(base .. '/good/v{version}')
  local client = wait_attached(buf)
  step('install_ok', msg:find('installed bcdc-lsp ', 1, true) and msg:find(installed, 1, true)
    and sha256(installed) == real_sum and vim.fn.executable(installed) == 1
    and vim.deep_equal(install_dir_files(), { 'bcdc-lsp' }) and client ~= nil and serving(installed),
    { message = msg, files = install_dir_files(), attached = client ~= nil, children = children() })
  lines, report = health()
  ok, missing = has_all(report, { 'skipped: no cmd configured', 'skipped: no bcdc-lsp on $PATH',
    'OK server: ' .. installed .. ' (installed by :BcdcInstall)', 'OK version: bcdc-lsp ' })
  step('health_installed', ok and not report:find('ERROR', 1, true), { missing = missing, health = lines })

  -- 7. A failed update keeps the installed binary as it was.
  msg = bcdc_install(base .. '/bad')
  step('failed_update_keeps_binary', msg:find('checksum mismatch', 1, true) and sha256(installed) == real_sum
    and vim.deep_equal(install_dir_files(), { 'bcdc-lsp' }), { message = msg, files = install_dir_files() })

  -- 8. bcdc-lsp on $PATH comes before the installed one.
  local bin = ws .. '/bin'
  vim.fn.mkdir(bin, 'p')
  vim.uv.fs_symlink(server_bin, bin .. '/bcdc-lsp')
  vim.env.PATH = bin .. ':' .. vim.env.PATH
  restart()
  client = wait_attached(buf)
  lines, report = health()
  ok, missing = has_all(report, { 'skipped: no cmd configured', 'OK server: ' .. bin .. '/bcdc-lsp (bcdc-lsp on $PATH)',
    'not used: ' .. installed, 'OK version: bcdc-lsp ' })
  step('path_wins', ok and not report:find('skipped: no bcdc-lsp on $PATH', 1, true) and client ~= nil
    and serving(bin .. '/bcdc-lsp'), { missing = missing, health = lines, children = children() })

  -- 9. The configured cmd comes first of all.
  require('bcdc').setup({ cmd = { server_bin, 'serve' } })
  restart()
  client = wait_attached(buf)
  lines, report = health()
  ok, missing = has_all(report, { ('OK server: %s (the configured cmd: %s serve)'):format(server_bin, server_bin),
    'OK version: bcdc-lsp ' })
  step('cmd_wins', ok and not report:find('skipped:', 1, true) and client ~= nil and serving(server_bin),
    { missing = missing, health = lines, children = children() })

  -- 10. vim.lsp.config('bcdc', { cmd = ... }) replaces the lookup, and checkhealth says so.
  vim.lsp.config('bcdc', { cmd = { server_bin, 'serve' } })
  lines, report = health()
  step('lsp_config_cmd', report:find('(cmd set with vim.lsp.config: ' .. server_bin .. ' serve)', 1, true) ~= nil,
    lines)
end

-- After startup, as a user would type the commands.
steps.after_startup(run, function()
  if http then
    http:kill(15)
  end
end)
