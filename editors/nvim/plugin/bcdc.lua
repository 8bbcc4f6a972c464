-- Loaded at startup when the plugin is on the runtimepath: commands and filetype rules only.
-- The server starts once enabled: require('bcdc').setup{} or vim.lsp.enable('bcdc').
if vim.g.loaded_bcdc or vim.fn.has('nvim-0.11') == 0 then
  return
end
vim.g.loaded_bcdc = true
require('bcdc').init()
