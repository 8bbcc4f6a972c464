-- bcdc-lsp for Neovim 0.11+'s native LSP config: `vim.lsp.enable('bcdc')`.
-- Options (catalogue, api_key source, ...) come from vim.g.bcdc or require('bcdc').setup{};
-- override fields as usual with vim.lsp.config('bcdc', {...}).
local opts = require('bcdc.config').get()
local server = require('bcdc.server')

return {
  -- The configured cmd, else bcdc-lsp on $PATH, else the one :BcdcInstall installed.
  cmd = server.cmd,
  filetypes = opts.filetypes,
  -- Only record files: other YAML/JSON buffers get no bcdc client (and keep their own servers).
  root_dir = server.root_dir,
  before_init = server.before_init,
  on_init = server.on_init,
  on_attach = server.on_attach,
  handlers = server.handlers,
  -- :BcdcPublish and the server's publish code action both ask before publishing to prod.
  commands = server.commands,
}
