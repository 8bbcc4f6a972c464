-- End-to-end test of the README's lazy.nvim spec, offline, run by e2e.sh as Neovim's init file:
--   LAZY_NVIM_DIR=/path/to/lazy.nvim nvim --headless -i NONE -n -u test/lazy.lua
-- lazy.nvim comes from a local copy; `dir` stands in for the clone of the repository lazy.nvim
-- would make. The plugin must stay unloaded until a record's filetype (E2E_LAZY_TRIGGER=ft) or one
-- of its commands (=cmd) loads it, then start bcdc-lsp from $PATH for the record.
-- Env: LAZY_NVIM_DIR, BCDC_LSP, E2E_WS (workspace with invalid.bcdc.yaml), E2E_LAZY_TRIGGER.
-- Prints `E2E {json}` per step and `E2E RESULT PASS|FAIL`, and exits 0 or 1.

local steps = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/steps.lua')
local step = steps.step

local lazy_dir = assert(os.getenv('LAZY_NVIM_DIR'), 'LAZY_NVIM_DIR not set')
local server_bin = assert(os.getenv('BCDC_LSP'), 'BCDC_LSP not set')
local ws = assert(os.getenv('E2E_WS'), 'E2E_WS not set')
local trigger = os.getenv('E2E_LAZY_TRIGGER') or 'ft'
local repo = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h:h:h')

local notes = {}
vim.notify = function(msg, level)
  notes[#notes + 1] = { msg = msg, level = level }
end

-- bcdc-lsp on $PATH, as after `cargo install` or a package manager.
vim.fn.mkdir(ws .. '/bin', 'p')
vim.uv.fs_symlink(server_bin, ws .. '/bin/bcdc-lsp')
vim.env.PATH = ws .. '/bin:' .. vim.env.PATH

-- The user's init.lua.
vim.opt.rtp:prepend(lazy_dir)
require('lazy').setup({
  spec = {
    -- The README's spec, with `dir` in place of 'bcgov/bcdc-lsp'.
    {
      dir = repo,
      name = 'bcdc-lsp',
      ft = { 'yaml', 'json' },
      cmd = { 'BcdcInstall', 'BcdcPull', 'BcdcCatalogue' },
      opts = {}, -- see :help bcdc-options
      config = function(plugin, opts)
        vim.opt.rtp:append(plugin.dir .. '/editors/nvim') -- the plugin is a folder of the repository
        require('bcdc').setup(opts)
      end,
    },
  },
  -- Offline and inside the workspace: no clone, no update check, no luarocks.
  root = ws .. '/lazy',
  lockfile = ws .. '/lazy-lock.json',
  state = ws .. '/lazy-state.json',
  install = { missing = false },
  checker = { enabled = false },
  change_detection = { enabled = false },
  rocks = { enabled = false },
})

local function loaded()
  local plugin = require('lazy.core.config').plugins['bcdc-lsp']
  return plugin ~= nil and plugin._.loaded ~= nil
end

local function run()
  step('start', vim.fn.exepath('bcdc-lsp') == ws .. '/bin/bcdc-lsp',
    { lazy = require('lazy.core.config').version, trigger = trigger, repo = repo })
  step('not_loaded_at_startup', not loaded() and vim.fn.exists(':BcdcPublish') == 0
    and vim.fn.exists(':BcdcInstall') == 2, { loaded = loaded() })

  if trigger == 'cmd' then
    -- A command loads the plugin and runs (e.g. :BcdcInstall before any record was opened).
    vim.cmd('BcdcCatalogue')
    local said = notes[#notes] and notes[#notes].msg
    step('loaded_by_command', loaded() and said == 'bcdc: catalogue test (https://cat.data.gov.bc.ca)', said)
  end

  vim.cmd.edit(vim.fn.fnameescape(ws .. '/invalid.bcdc.yaml'))
  local buf = vim.api.nvim_get_current_buf()
  local function diagnostics()
    local client = vim.lsp.get_clients({ name = 'bcdc', bufnr = buf })[1]
    return client and vim.diagnostic.get(buf, { namespace = vim.lsp.diagnostic.get_namespace(client.id) }) or {}
  end
  vim.wait(20000, function()
    return #diagnostics() > 0
  end, 20)
  local codes = vim.tbl_map(function(d)
    return d.code
  end, diagnostics())
  step('record_checked', loaded() and vim.list_contains(codes, 'invalid-choice') and vim.fn.exists(':BcdcPublish') == 2,
    { loaded = loaded(), codes = codes, notes = notes })

  vim.cmd('checkhealth bcdc')
  io.stdout:write('\n') -- after checkhealth's progress text
  local report = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  step('checkhealth', report:find('OK server: ' .. ws .. '/bin/bcdc-lsp (bcdc-lsp on $PATH)', 1, true) ~= nil,
    vim.split(report, '\n'))
end

steps.after_startup(run)
