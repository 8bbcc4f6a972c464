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
check('describe never shows a key', key.describe({ env = 'X' }) == 'environment variable $X')

io.stdout:write(failed == 0 and 'UNIT PASS\n' or ('UNIT FAIL: ' .. failed .. ' check(s)\n'))
os.exit(failed == 0 and 0 or 1)
