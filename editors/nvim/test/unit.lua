-- Checks of the plugin's own logic (options, key sources, record detection), no server needed:
--   nvim --headless -u NONE -i NONE -n --cmd 'set rtp^=editors/nvim' -l editors/nvim/test/unit.lua
-- Prints one line per failed check and exits 0 when all pass.
local failed = 0
local function check(what, cond, detail)
  if not cond then
    failed = failed + 1
    io.stdout:write(('UNIT FAIL %s%s\n'):format(what, detail ~= nil and (': ' .. vim.inspect(detail)) or ''))
  end
end

local record = require('bcdc.record')
local globs = { '*.bcdc.yaml', '*.bcdc.yml', '*.bcdc.json' }
for path, want in pairs({
  ['/w/roads.bcdc.yaml'] = true,
  ['roads.bcdc.yml'] = true,
  ['/w/x/roads.bcdc.json'] = true,
  ['/w/roads.yaml'] = false,
  ['/w/bcdc.yaml'] = false,
  ['/w/roads.bcdc.yaml.bak'] = false,
}) do
  check('name_matches ' .. path, record.name_matches(path, globs) == want)
end
for text, want in pairs({
  ['type: bcdc_dataset'] = true,
  ["type: 'bcdc_dataset'   # the dataset type"] = true,
  ['"type": "bcdc_dataset"'] = true,
  ['{\n  "name": "x",\n  "type": "bcdc_dataset"\n}'] = true,
  ['resources:\n  - type: bcdc_dataset'] = false, -- nested, not top level
  ['type: bcdc_datasets'] = false,
  ['name: x\ntype: other'] = false,
}) do
  check('declares_type ' .. text, record.declares_type(vim.split(text, '\n')) == want)
end

local config = require('bcdc.config')
local function set_fails(opts, fragment)
  local ok, err = pcall(config.set, opts)
  check('refused ' .. vim.inspect(opts), not ok and tostring(err):find(fragment, 1, true) ~= nil, err)
end
set_fails({ api_key = 'abc123' }, 'never the key itself')
set_fails({ api_key = { env = 'A', cmd = 'b' } }, 'exactly one of env')
set_fails({ catalogue = 'http://example.com' }, 'http:// only on loopback')
set_fails({ catalogue = 'staging' }, 'catalogue "staging"')
set_fails({ cmd = 'bcdc-lsp serve' }, 'cmd must be a list')
set_fails({ inlay_hints = 'no' }, 'inlay_hints must be true or false')
check('inlay hints on by default', config.get().inlay_hints == true)
set_fails({ code_lens = 1 }, 'code_lens must be true or false')
check('code lens on by default', config.get().code_lens == true)
set_fails({ catalogue_refresh_seconds = 0 }, 'catalogue_refresh_seconds must be a whole number of seconds, at least 1')
set_fails({ catalogue_refresh_seconds = 2.5 }, 'catalogue_refresh_seconds must be')
set_fails({ catalogue_refresh_seconds = '60' }, 'catalogue_refresh_seconds must be')
check('catalogue refresh left to the server by default', config.get().catalogue_refresh_seconds == nil
  and require('bcdc.server').settings().catalogueRefreshSeconds == nil)
config.set({ catalogue_refresh_seconds = 30, api_key = false })
check('catalogue refresh sent to the server', require('bcdc.server').settings().catalogueRefreshSeconds == 30)
config.set({})
check('bad setup keeps defaults', config.get().catalogue == 'test' and config.get().api_key.env == 'BCDC_API_KEY')
for _, c in ipairs({ 'test', 'prod', 'https://ckan.example', 'http://127.0.0.1:5000', 'http://localhost:5000/' }) do
  check('catalogue ok ' .. c, config.check_catalogue(c) == nil, config.check_catalogue(c))
end
check('prod by name', config.is_prod('prod'))
check('prod by URL', config.is_prod('https://catalogue.data.gov.bc.ca/'))
check('test is not prod', not config.is_prod('test') and not config.is_prod('https://cat.data.gov.bc.ca'))

vim.g.bcdc = { catalogue = 'prod', patterns = { '*.rec.yaml' } }
check('vim.g.bcdc read', config.get().catalogue == 'prod' and config.get().patterns[1] == '*.rec.yaml')
config.set({ catalogue = 'test' })
check('setup wins over vim.g.bcdc', config.get().catalogue == 'test' and config.get().patterns[1] == '*.rec.yaml')
config.set_catalogue('http://127.0.0.1:5000')
check('session catalogue', config.get().catalogue == 'http://127.0.0.1:5000')
check('bad session catalogue refused', not pcall(config.set_catalogue, 'ftp://x'))
vim.g.bcdc = nil
config.set({})

local key = require('bcdc.key')
vim.env.BCDC_UNIT_KEY = '  k1  '
check('key from env', key.resolve({ env = 'BCDC_UNIT_KEY' }, 'test') == 'k1')
vim.env.BCDC_UNIT_KEY = nil
local k, problem = key.resolve({ env = 'BCDC_UNIT_KEY' }, 'test')
check('missing env explained', k == nil and problem == '$BCDC_UNIT_KEY is not set', problem)
local counter = vim.fn.tempname()
local src = { cmd = { 'sh', '-c', 'echo x >> "$0"; echo "k-$BCDC_CATALOGUE"; echo second', counter } }
check('key from command, per catalogue', key.resolve(src, 'prod') == 'k-prod' and key.resolve(src, 'test') == 'k-test')
key.resolve(src, 'prod')
check('key command run once per catalogue', #vim.fn.readfile(counter) == 2, vim.fn.readfile(counter))
k, problem = key.resolve({ cmd = 'echo oops >&2; exit 3' }, 'test')
check('failing command explained', k == nil and problem:find('exited with code 3: oops', 1, true) ~= nil, problem)
vim.env.BCDC_API_KEY = 'k-unnamed'
check('unnamed key goes to the BC catalogues', key.resolve({ env = 'BCDC_API_KEY' }, 'prod') == 'k-unnamed'
  and key.resolve({ env = 'BCDC_API_KEY' }, 'https://cat.data.gov.bc.ca/') == 'k-unnamed')
k, problem = key.resolve({ env = 'BCDC_API_KEY' }, 'http://127.0.0.1:5000')
check('unnamed key not to another host', k == nil and problem:find('BCDC_API_KEY_HOST', 1, true) ~= nil, problem)
vim.env.BCDC_API_KEY_HOST = '127.0.0.1:5000'
check('unnamed key to the host named', key.resolve({ env = 'BCDC_API_KEY' }, 'http://127.0.0.1:5000') == 'k-unnamed'
  and key.resolve({ env = 'BCDC_API_KEY' }, 'test') == nil)
vim.env.BCDC_API_KEY, vim.env.BCDC_API_KEY_HOST = nil, nil
check('describe never shows a key', key.describe({ env = 'X' }) == 'environment variable $X')

-- :BcdcInstall's pure parts: the release target of a machine, the asset name, SHA256SUMS lines.
local install = require('bcdc.install')
for uname, want in pairs({
  ['Linux x86_64'] = 'linux-x64',
  ['Linux aarch64'] = 'linux-arm64',
  ['Darwin x86_64'] = 'darwin-x64',
  ['Darwin arm64'] = 'darwin-arm64',
  ['Windows_NT x86_64'] = 'win32-x64',
  ['Windows_NT AMD64'] = 'win32-x64',
}) do
  local sysname, machine = uname:match('(%S+) (%S+)')
  check('target ' .. uname, install.target({ sysname = sysname, machine = machine }) == want)
end
local none, why = install.target({ sysname = 'FreeBSD', machine = 'amd64' })
check('no target for FreeBSD', none == nil and why:find('cargo install', 1, true) ~= nil, why)
none = install.target({ sysname = 'Windows_NT', machine = 'ARM64' })
check('no target for Windows on ARM', none == nil)
check('asset names', install.asset('linux-x64') == 'bcdc-lsp-linux-x64' and install.asset('win32-x64') == 'bcdc-lsp-win32-x64.exe')
local a, b = ('a'):rep(64), ('B'):rep(64)
local sums = table.concat({ a .. '  bcdc-lsp-linux-x64.old', b .. ' *bcdc-lsp-linux-x64\r', ('c'):rep(63) .. '  bcdc-lsp-darwin-x64', '' }, '\n')
check('sum of the asset, binary-mode marker, CRLF', install.expected_sum(sums, 'bcdc-lsp-linux-x64') == ('b'):rep(64))
check('no sum for a short hash', install.expected_sum(sums, 'bcdc-lsp-darwin-x64') == nil)
check('no sum for a missing asset', install.expected_sum(sums, 'bcdc-lsp-win32-x64.exe') == nil)
check('sha256sum output', install.parse_sum(a .. '  /tmp/x\n') == a)
check('certutil output', install.parse_sum('SHA256 hash of x:\r\n' .. ('ab '):rep(32) .. '\r\nCertUtil: -hashfile command completed successfully.\r\n') == ('ab'):rep(32))
check('no sum in an error', install.parse_sum('sha256sum: x: No such file or directory\n') == nil)

set_fails({ install = { base_url = 'http://example.com/releases' } }, 'http:// only on loopback')
set_fails({ install = { base_url = 42 } }, 'install must be')
config.set({ install = { base_url = 'http://127.0.0.1:8000/' } })
check('install.base_url on loopback', config.get().install.base_url == 'http://127.0.0.1:8000/')
config.set({})
check('install.base_url default', config.get().install.base_url == config.release_url
  and vim.endswith(config.release_url, '/releases/download/v{version}'))
local install = require('bcdc.install')
local version = require('bcdc.version')
check('the default release is the plugin\'s version', install.release_dir(config.release_url)
  == 'https://github.com/bcgov/bcdc-lsp/releases/download/v' .. version and version:match('^%d+%.%d+%.%d+') ~= nil)
check('a base_url without {version} is used as is', install.release_dir('http://127.0.0.1:8000/x//') == 'http://127.0.0.1:8000/x')

-- The lookup order, on a controlled $PATH and data directory.
local binary = require('bcdc.binary')
local saved_path = vim.env.PATH
local sh = vim.fn.exepath('sh')
local bin = vim.fn.tempname()
vim.fn.mkdir(bin, 'p')
vim.env.PATH = bin
-- A data directory of its own (stdpath('data') follows $XDG_DATA_HOME), so a real install is not seen.
vim.env.XDG_DATA_HOME = vim.fn.tempname()
check('data dir under XDG_DATA_HOME', vim.startswith(binary.installed_path(), vim.env.XDG_DATA_HOME), binary.installed_path())
local found = binary.find(nil)
check('nothing found', found.argv == nil and #found.skipped == 3 and found.problem:find('no bcdc-lsp on $PATH', 1, true) ~= nil, found)
local function fake_server(path)
  vim.fn.mkdir(vim.fs.dirname(path), 'p')
  vim.fn.writefile({ '#!/bin/sh', 'echo "bcdc-lsp 9.9.9"; echo "  schema: x"' }, path)
  vim.uv.fs_chmod(path, tonumber('755', 8))
end
local installed = binary.installed_path()
fake_server(installed)
found = binary.find(nil)
check('found installed', found.source == 'installed' and found.exe == installed and #found.skipped == 2, found)
local fake = bin .. '/bcdc-lsp'
fake_server(fake)
found = binary.find(nil)
check('found on PATH', found.source == 'path' and found.exe == fake and found.argv[2] == 'serve' and #found.skipped == 1, found)
check('version lines', vim.deep_equal(binary.version_sync(fake), { 'bcdc-lsp 9.9.9', 'schema: x' }), binary.version_sync(fake))
vim.fn.writefile({ '#!/bin/sh', 'echo "other 1.0"' }, fake)
local v, problem = binary.version_sync(fake)
check('not a bcdc-lsp', v == nil and problem:find('says "other 1.0": not bcdc-lsp', 1, true) ~= nil, problem)
fake_server(fake)
found = binary.find({ sh, '-c', 'true' })
check('configured cmd wins', found.source == 'cmd' and found.exe == sh and #found.skipped == 0, found)
found = binary.find({ bin .. '/missing', 'serve' })
check('broken cmd is an error, not a fallback', found.argv == nil and found.problem:find('not executable', 1, true) ~= nil, found)
vim.env.PATH = saved_path

io.stdout:write(failed == 0 and 'UNIT PASS\n' or ('UNIT FAIL: ' .. failed .. ' check(s)\n'))
os.exit(failed == 0 and 0 or 1)
