-- What the Neovim end-to-end scripts (e2e.lua, lookup.lua, lazy.lua) share: one `E2E {json}`
-- line per step, then `E2E RESULT PASS|FAIL` and Neovim's exit status (0 or 1).
-- Load with dofile(<this folder> .. '/steps.lua'): the scripts run with different -u settings.
local M = {}

local failures = {}

function M.out(s)
  io.stdout:write(s .. '\n')
  io.stdout:flush()
end

-- Reports a step; returns whether it passed.
function M.step(name, ok, data)
  M.out('E2E ' .. vim.json.encode({ step = name, ok = ok and true or false, data = data }))
  if not ok then
    failures[#failures + 1] = name
  end
  return ok
end

-- Prints the result (with an optional note on a pass) and quits with its status.
function M.finish(note)
  if #failures == 0 then
    M.out('E2E RESULT PASS' .. (note or ''))
    vim.cmd('qall!')
  else
    M.out('E2E RESULT FAIL: ' .. table.concat(failures, ', '))
    vim.cmd('cquit! 1')
  end
end

-- Runs `run` once Neovim has started (as a user would type the commands), reports an error
-- it raises as a failed step, stops the language servers, runs `cleanup` if given, then
-- finishes.
function M.after_startup(run, cleanup)
  vim.api.nvim_create_autocmd('VimEnter', {
    once = true,
    callback = vim.schedule_wrap(function()
      local ok, err = xpcall(run, debug.traceback)
      if not ok then
        M.step('lua_error', false, err)
      end
      for _, c in ipairs(vim.lsp.get_clients()) do
        c:stop(true)
      end
      if cleanup then
        cleanup()
      end
      M.finish()
    end),
  })
end

return M
