-- The "Show diff" view: the fields of a record that differ between the catalogue and the file,
-- side by side in a new tab page (catalogue left, file right), as `bcdc.diff` returns them.
local M = {}

--- A read-only scratch buffer named `name` holding `text`.
local function scratch(name, text, filetype)
  -- a view of an earlier diff of the same file is replaced
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_get_name(b) == name then
      vim.api.nvim_buf_delete(b, { force = true })
    end
  end
  local bufnr = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_name(bufnr, name)
  local lines = vim.split(text or '', '\n', { plain = true })
  if lines[#lines] == '' then
    table.remove(lines)
  end
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, lines)
  local bo = vim.bo[bufnr]
  bo.buftype = 'nofile' -- no file behind it, and no language server attaches
  bo.bufhidden = 'wipe'
  bo.swapfile = false
  bo.modifiable = false
  bo.readonly = true
  bo.filetype = filetype
  vim.keymap.set('n', 'q', '<Cmd>tabclose<CR>', { buffer = bufnr, desc = 'bcdc: close the diff' })
  return bufnr
end

local function winbar(win, text)
  vim.wo[win].winbar = ' ' .. text:gsub('%%', '%%%%')
end

--- Opens the diff of the record in `bufnr` from `result` (the answer of `bcdc.diff`).
--- @return integer, integer the catalogue's and the file's buffers
function M.show(bufnr, result)
  local file = vim.fs.basename(vim.api.nvim_buf_get_name(bufnr))
  if file == '' then
    file = 'record'
  end
  local filetype = file:lower():match('%.json$') and 'json' or 'yaml'
  -- the title is "<file>: <catalogue> ↔ file"
  local catalogue = (result.title or ''):match(': (.+) ↔ file$') or 'the catalogue'
  local left = scratch('bcdc://catalogue/' .. file, result.catalogue, filetype)
  local right = scratch('bcdc://file/' .. file, result.file, filetype)
  vim.cmd('tab sbuffer ' .. left)
  local left_win = vim.api.nvim_get_current_win()
  vim.cmd('rightbelow vertical sbuffer ' .. right)
  local right_win = vim.api.nvim_get_current_win()
  winbar(left_win, ('On %s'):format(catalogue))
  winbar(right_win, ('In %s (press q to close)'):format(file))
  for _, win in ipairs({ left_win, right_win }) do
    vim.api.nvim_win_call(win, function()
      vim.cmd('diffthis')
    end)
  end
  return left, right
end

return M
