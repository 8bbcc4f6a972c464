-- The :Bcdc* user commands (see :help bcdc-commands).
local M = {}

function M.define()
  local bcdc = require('bcdc')
  local create = vim.api.nvim_create_user_command
  create('BcdcPublish', function()
    bcdc.publish(0)
  end, { desc = 'Create this record on the BC Data Catalogue' })
  create('BcdcUpdate', function()
    bcdc.update(0)
  end, { desc = 'Send the changed fields of this record to the BC Data Catalogue' })
  create('BcdcLens', function()
    bcdc.lens(0)
  end, { desc = 'Publish, update, pull or show the diff of this record: what its code lens offers' })
  create('BcdcPull', function(o)
    if #o.fargs > 2 then
      return vim.notify('usage: :BcdcPull {name-or-id} [path]', vim.log.levels.ERROR)
    end
    bcdc.pull(o.fargs[1], o.fargs[2])
  end, { nargs = '+', complete = 'file', desc = 'Fetch a record from the BC Data Catalogue into a file' })
  create('BcdcInstall', function()
    bcdc.install()
  end, { desc = 'Download bcdc-lsp for this platform into the plugin data directory' })
  create('BcdcCatalogue', function(o)
    bcdc.catalogue(o.args)
  end, {
    nargs = '?',
    complete = function()
      return { 'test', 'prod' }
    end,
    desc = 'Show or switch the catalogue: test, prod or a URL',
  })
end

return M
