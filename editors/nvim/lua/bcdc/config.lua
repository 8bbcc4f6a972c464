-- The plugin's options: defaults, then the table in vim.g.bcdc (for users of the native
-- vim.lsp.enable('bcdc') route), then require('bcdc').setup{...}; later ones win.
local M = {}

--- Catalogue names the server understands, and the sites they stand for (see docs/protocol.md).
M.catalogues = {
  test = 'https://cat.data.gov.bc.ca',
  prod = 'https://catalogue.data.gov.bc.ca',
}

--- Where :BcdcInstall downloads release assets from (see :help bcdc-install): the release of the
--- server version this plugin is made for, `{version}` standing for it (bcdc.version). The one
--- place that names the project's repository.
M.release_url = 'https://github.com/bcgov/bcdc-lsp/releases/download/v{version}'

local defaults = {
  -- The server command; unset, the plugin runs `bcdc-lsp` from $PATH, else the one :BcdcInstall put
  -- in its data directory (see bcdc.binary).
  cmd = nil,
  -- :BcdcInstall: base_url holds bcdc-lsp-<target> and SHA256SUMS; `{version}` in it stands for
  -- the server version the plugin is made for.
  install = { base_url = M.release_url },
  catalogue = 'test',
  -- Where the API key comes from: { env = 'NAME' } or { cmd = {...} | 'shell command' }.
  api_key = { env = 'BCDC_API_KEY' },
  filetypes = { 'yaml', 'json' },
  -- File-name globs that mark a record file; other YAML/JSON files are records only if their
  -- top level says `type: bcdc_dataset`.
  patterns = { '*.bcdc.yaml', '*.bcdc.yml', '*.bcdc.json' },
  -- A ckanext-scheming schema JSON file to use instead of the one built into the server.
  schema_path = nil,
  -- Inlay hints in record buffers: the titles behind licence and organization ids.
  inlay_hints = true,
  -- The code lens on a record's first line: where the record stands against the catalogue
  -- ("Published · unchanged", "1 field to update | Update | Show diff", ...).
  code_lens = true,
  -- How often, in seconds, the server asks the catalogue again about an open record for the code
  -- lens; unset, the server's default (180).
  catalogue_refresh_seconds = nil,
}

-- Options given to setup{} (nil until it is called), and a catalogue switched with :BcdcCatalogue.
local from_setup
local session_catalogue

--- @return boolean whether `url` is https://, or http:// to this machine (loopback): nothing else
--- may carry an API key or a server binary.
function M.is_safe_url(url)
  if url:match('^https://[^/]') then
    return true
  end
  local host = url:match('^http://([^/:]+)') or url:match('^http://%[([^%]]+)%]')
  return host == 'localhost' or host == '::1' or (host ~= nil and host:match('^127%.') ~= nil)
end

--- @return string? error why `value` is not a catalogue
function M.check_catalogue(value)
  if type(value) ~= 'string' or value == '' then
    return 'catalogue must be "test", "prod" or a URL'
  end
  if M.catalogues[value] or M.is_safe_url(value) then
    return nil
  end
  return ('catalogue %q: use "test", "prod", an https:// URL, or http:// only on loopback'):format(value)
end

--- @return string? error why `src` is not a key source; a plain string is refused on purpose so
--- that a key never sits in a config file.
function M.check_key_source(src)
  if src == false then
    return nil -- no key: read-only use (pull, diagnostics)
  end
  if type(src) ~= 'table' then
    return 'api_key must be { env = "VAR" } or { cmd = {...} }, never the key itself'
  end
  if type(src.env) == 'string' and src.env ~= '' and src.cmd == nil then
    return nil
  end
  local cmd = src.cmd
  if src.env == nil and ((type(cmd) == 'string' and cmd ~= '') or (type(cmd) == 'table' and #cmd > 0)) then
    return nil
  end
  return 'api_key must have exactly one of env (a variable name) or cmd (a command printing the key)'
end

local function check(opts)
  local problems = {}
  local function add(p)
    if p then
      problems[#problems + 1] = p
    end
  end
  if opts.cmd ~= nil and (type(opts.cmd) ~= 'table' or type(opts.cmd[1]) ~= 'string') then
    add('cmd must be a list such as { "/path/to/bcdc-lsp", "serve" }')
  end
  local install = opts.install
  if type(install) ~= 'table' or type(install.base_url) ~= 'string' then
    add('install must be { base_url = "https://..." }')
  elseif not M.is_safe_url(install.base_url) then
    add(('install.base_url %q: use an https:// URL, or http:// only on loopback'):format(install.base_url))
  end
  add(M.check_catalogue(opts.catalogue))
  add(M.check_key_source(opts.api_key))
  if type(opts.filetypes) ~= 'table' then
    add('filetypes must be a list')
  end
  if type(opts.patterns) ~= 'table' then
    add('patterns must be a list of globs')
  end
  if opts.schema_path ~= nil and type(opts.schema_path) ~= 'string' then
    add('schema_path must be a file path')
  end
  if type(opts.inlay_hints) ~= 'boolean' then
    add('inlay_hints must be true or false')
  end
  if type(opts.code_lens) ~= 'boolean' then
    add('code_lens must be true or false')
  end
  local every = opts.catalogue_refresh_seconds
  if every ~= nil and (type(every) ~= 'number' or every < 1 or every ~= math.floor(every)) then
    add('catalogue_refresh_seconds must be a whole number of seconds, at least 1')
  end
  if #problems > 0 then
    error('bcdc: ' .. table.concat(problems, '; '), 0)
  end
end

-- Lists replace lists (a user's patterns are the whole list, not an addition); `install` is a set of
-- independent settings, so a user's table adds to the defaults.
local function merge(base, over)
  local out = vim.deepcopy(base)
  for k, v in pairs(over or {}) do
    if k == 'install' and type(v) == 'table' and type(out.install) == 'table' then
      out.install = vim.tbl_extend('force', out.install, v)
    else
      out[k] = vim.deepcopy(v)
    end
  end
  return out
end

--- Takes the options of setup{}. Raises a clear error on bad input and then keeps the previous ones.
function M.set(opts)
  local g = vim.g.bcdc
  check(merge(merge(defaults, type(g) == 'table' and g or {}), opts))
  from_setup = vim.deepcopy(opts)
  session_catalogue = nil
end

--- @return table the options in force; vim.g.bcdc is read on every call, so it may be set at any
--- time before the server starts.
function M.get()
  local g = vim.g.bcdc
  local opts = merge(merge(defaults, type(g) == 'table' and g or {}), from_setup)
  opts.catalogue = session_catalogue or opts.catalogue
  check(opts)
  return opts
end

--- Switches the catalogue for this session.
function M.set_catalogue(value)
  local err = M.check_catalogue(value)
  if err then
    error('bcdc: ' .. err, 0)
  end
  session_catalogue = value
end

--- @return string the base URL of a catalogue name or URL
function M.catalogue_url(value)
  return M.catalogues[value] or value
end

--- @return boolean whether `value` means the production catalogue
function M.is_prod(value)
  return (M.catalogue_url(value):gsub('/+$', '')) == M.catalogues.prod
end

return M
