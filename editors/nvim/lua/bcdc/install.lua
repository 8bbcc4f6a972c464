-- :BcdcInstall: downloads the release binary for this platform with curl, checks it against the
-- release's SHA256SUMS, checks that it runs, and only then renames it into place: a failed, damaged
-- or tampered download never replaces a working server. Release assets (see :help bcdc-install):
-- `bcdc-lsp-<target>` (`.exe` on Windows) and `SHA256SUMS` in `sha256sum` format, under one URL.
-- It installs the server version this plugin is made for (bcdc.version), nothing newer or older.
local binary = require('bcdc.binary')
local config = require('bcdc.config')
local plugin_version = require('bcdc.version')

local M = {}

local os_names = { Linux = 'linux', Darwin = 'darwin', Windows_NT = 'win32' }
local arch_names = { x86_64 = 'x64', amd64 = 'x64', AMD64 = 'x64', aarch64 = 'arm64', arm64 = 'arm64', ARM64 = 'arm64' }
local targets = { 'linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64' }

--- @param uname? {sysname: string, machine: string} default: this machine
--- @return string? target the release target, e.g. 'linux-x64'
--- @return string? problem why this machine has none
function M.target(uname)
  uname = uname or vim.uv.os_uname()
  local os_name, arch = os_names[uname.sysname], arch_names[uname.machine]
  local target = os_name and arch and (os_name .. '-' .. arch)
  if target and vim.list_contains(targets, target) then
    return target
  end
  local build = 'build bcdc-lsp with `cargo install --locked` and put it on $PATH'
  return nil, ('no release binary for %s %s: %s'):format(uname.sysname, uname.machine, build)
end

--- @param base_url string the install.base_url option
--- @return string the folder of the release assets: `{version}` replaced by the plugin's version
function M.release_dir(base_url)
  return (base_url:gsub('{version}', plugin_version):gsub('/+$', ''))
end

--- @return string the release asset of `target`
function M.asset(target)
  return 'bcdc-lsp-' .. target .. (vim.startswith(target, 'win32') and '.exe' or '')
end

--- @param sums string a SHA256SUMS file: lines of "<hash>  <name>" or "<hash> *<name>"
--- @return string? the lower-case SHA-256 listed for `name`
function M.expected_sum(sums, name)
  for line in vim.gsplit(sums, '\n', { plain = true }) do
    local hash, file = line:match('^(%x+) [ *](.-)%s*$')
    if hash and #hash == 64 and file == name then
      return hash:lower()
    end
  end
end

-- The SHA-256 tools a system has: coreutils (Linux, Git for Windows), Perl's shasum (macOS),
-- certutil (Windows). Neovim's sha256() takes text only, not a binary.
local hashers = {
  function(path)
    return { 'sha256sum', path }
  end,
  function(path)
    return { 'shasum', '-a', '256', path }
  end,
  function(path)
    return { 'certutil', '-hashfile', path, 'SHA256' }
  end,
}

--- @return string? the SHA-256 in the output of one of the hashers (certutil may space the bytes)
function M.parse_sum(output)
  for line in vim.gsplit(output, '\n', { plain = true }) do
    local first = line:match('^%s*(%x+)')
    if first and #first == 64 then
      return first:lower()
    end
    local compact = line:gsub('%s', '')
    if #compact == 64 and compact:match('^%x+$') then
      return compact:lower()
    end
  end
end

-- The install runs in a coroutine that waits for curl and the other tools without blocking Neovim.
-- Every resume goes through here, so whichever one finishes the coroutine hands on its result.
local on_finish = {} --- @type table<thread, fun(resumed: boolean, ...)>
local function resume(co, ...)
  local result = vim.F.pack_len(coroutine.resume(co, ...))
  if coroutine.status(co) == 'dead' then
    local done = on_finish[co]
    on_finish[co] = nil
    done(vim.F.unpack_len(result))
  end
end

-- Runs argv from inside the install coroutine and returns its result.
local function run(argv)
  local co = coroutine.running()
  local ok, err = pcall(vim.system, argv, { text = true }, function(res)
    vim.schedule(function()
      resume(co, res)
    end)
  end)
  if not ok then
    return { code = -1, stdout = '', stderr = tostring(err) }
  end
  return coroutine.yield()
end

local function sha256(path)
  for _, hasher in ipairs(hashers) do
    local argv = hasher(path)
    if vim.fn.executable(argv[1]) == 1 then
      local res = run(argv)
      local sum = res.code == 0 and M.parse_sum(res.stdout or '')
      if sum then
        return sum
      end
      return nil, ('`%s` failed: %s'):format(argv[1], vim.trim(res.stderr or ''))
    end
  end
  return nil, 'no SHA-256 tool found (sha256sum, shasum or certutil)'
end

-- curl exit codes that mean the server was never reached: proxy or host not resolved, connection
-- failed, timed out, TLS handshake failed, nothing received.
local unreachable = { [5] = true, [6] = true, [7] = true, [28] = true, [35] = true, [52] = true, [56] = true }

--- @param url string
--- @param output? string a file to write; nil returns the body as text
--- @return string? body (or '' when written to `output`)
--- @return string? problem
local function download(url, output)
  local proto = url:match('^https://') and '=https' or '=http,https'
  local argv = { 'curl', '--fail', '--location', '--silent', '--show-error', '--proto', proto, '--proto-redir', '=https',
    '--connect-timeout', '20', '--max-time', '900' }
  if output then
    vim.list_extend(argv, { '--output', output })
  end
  argv[#argv + 1] = url
  local res = run(argv)
  if res.code == 0 then
    return res.stdout or ''
  end
  local why = vim.split(vim.trim(res.stderr or ''), '\n')[1] or ''
  if unreachable[res.code] then
    return nil, ('cannot reach %s (offline, or the server is down): %s'):format(url, why)
  end
  return nil, ('download of %s failed: %s'):format(url, why)
end

local function version(exe)
  local co = coroutine.running()
  binary.version(exe, function(v, problem)
    vim.schedule(function()
      resume(co, v, problem)
    end)
  end)
  return coroutine.yield()
end

-- The whole install, inside a coroutine. Returns whether it worked and the message for the user.
local function install(base_url)
  local target, problem = M.target()
  if not target then
    return false, problem
  end
  if vim.fn.executable('curl') == 0 then
    return false, ':BcdcInstall needs curl on $PATH'
  end
  base_url = M.release_dir(base_url)
  local asset = M.asset(target)
  local nothing = '; nothing was installed'

  local sums, err = download(base_url .. '/SHA256SUMS')
  if not sums then
    return false, err .. nothing
  end
  local expected = M.expected_sum(sums, asset)
  if not expected then
    return false, ('%s/SHA256SUMS lists no %s%s'):format(base_url, asset, nothing)
  end

  -- Downloaded next to the final path, so the last step is a rename on one file system.
  local dir = binary.install_dir()
  vim.fn.mkdir(dir, 'p')
  local final = binary.installed_path()
  -- Windows runs only .exe files: keep the extension last.
  local stem, ext = final:match('^(.-)(%.exe)$')
  local part = ('%s.%d.part%s'):format(stem or final, vim.uv.os_getpid(), ext or '')
  local function fail(message)
    os.remove(part)
    return false, message .. nothing
  end
  local _, download_err = download(base_url .. '/' .. asset, part)
  if download_err then
    return fail(download_err)
  end
  local actual, hash_err = sha256(part)
  if not actual then
    return fail('cannot check the download: ' .. hash_err)
  end
  if actual ~= expected then
    local what = 'damaged or tampered with; try again, and report it if it persists'
    return fail(('checksum mismatch for %s: SHA256SUMS says %s, the download is %s (%s)'):format(asset, expected, actual, what))
  end
  if vim.fn.has('win32') == 0 then
    vim.uv.fs_chmod(part, tonumber('755', 8))
  end
  local got, version_err = version(part)
  if not got then
    return fail('the downloaded server does not run here: ' .. version_err)
  end
  if got[1] ~= 'bcdc-lsp ' .. plugin_version then
    return fail(('%s/%s is %s, but this plugin works with bcdc-lsp %s (is install.base_url another release?)')
      :format(base_url, asset, got[1], plugin_version))
  end
  local renamed, rename_err = vim.uv.fs_rename(part, final)
  if not renamed then
    return fail(('cannot replace %s (is it running?): %s'):format(final, rename_err))
  end

  local message = ('installed %s (%s) at %s'):format(got[1], target, final)
  local used = binary.find(config.get().cmd)
  if used.source ~= 'installed' then
    local first = ('; but %s comes first: %s (see :checkhealth bcdc)')
    message = message .. first:format(binary.sources[used.source], used.exe or '-')
  end
  return true, message
end

local running = false

--- Installs the server for this platform from the `install.base_url` option.
--- @param on_done fun(ok: boolean, message: string) called once, on the main loop
function M.run(on_done)
  if running then
    return on_done(false, 'bcdc: :BcdcInstall is already running')
  end
  local ok, opts = pcall(config.get)
  if not ok then
    return on_done(false, tostring(opts))
  end
  running = true
  local co = coroutine.create(install)
  on_finish[co] = function(resumed, success, message)
    running = false
    if not resumed then
      success, message = false, ':BcdcInstall failed: ' .. tostring(success)
    end
    on_done(success, 'bcdc: ' .. message)
  end
  resume(co, opts.install.base_url)
end

return M
