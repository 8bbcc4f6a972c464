-- End-to-end test of the bcdc Neovim plugin with the real bcdc-lsp, run by e2e.sh:
--   nvim --headless -u NONE -i NONE -n --cmd 'set rtp^=editors/nvim' -c 'luafile test/e2e.lua'
-- Env: BCDC_LSP (server binary), E2E_WS (workspace with the filled-in fixtures), E2E_NAME (the
--      record's unique name), E2E_MODE ('setup': require('bcdc').setup{}; 'native': vim.g.bcdc +
--      vim.lsp.enable('bcdc')), BCDC_TEST_CKAN_URL / BCDC_TEST_CKAN_TOKEN (a local CKAN).
-- Prints `E2E {json}` per step and `E2E RESULT PASS|FAIL`, and exits 0 or 1.

local steps = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/steps.lua')
local out, step = steps.out, steps.step

-- Without a local CKAN (all three variables) the catalogue steps are skipped, saying so.
local ckan_url = os.getenv('BCDC_TEST_CKAN_URL')
local ckan_token = os.getenv('BCDC_TEST_CKAN_TOKEN')
local have_ckan = (ckan_url or '') ~= '' and (ckan_token or '') ~= '' and (os.getenv('BCDC_TEST_CKAN_ORG') or '') ~= ''
if not have_ckan then
  ckan_url = nil
end

local function finish()
  for _, c in ipairs(vim.lsp.get_clients()) do
    vim.lsp.stop_client(c.id)
  end
  vim.wait(3000, function()
    return #vim.lsp.get_clients() == 0
  end, 50)
  steps.finish(have_ckan and '' or ' (catalogue steps skipped: no local CKAN)')
end

local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
local server = assert(os.getenv('BCDC_LSP'), 'BCDC_LSP not set')
local ws = assert(os.getenv('E2E_WS'), 'E2E_WS not set')
local name = assert(os.getenv('E2E_NAME'), 'E2E_NAME not set')
local mode = os.getenv('E2E_MODE') or 'setup'
local timeout = 20000

-- Everything the plugin shows the user goes through vim.notify: keep it for the checks.
local notes = {}
vim.notify = function(msg, level)
  notes[#notes + 1] = { msg = msg, level = level }
end
local function noted(pattern)
  for _, n in ipairs(notes) do
    if n.msg:find(pattern) then
      return n
    end
  end
end

-- Answers vim.ui.select like a user picking the first item whose text contains `want`.
local prompts = {}
local function answer_select(want)
  vim.ui.select = function(items, opts, on_choice)
    local format = opts.format_item or tostring
    local texts = vim.tbl_map(format, items)
    prompts[#prompts + 1] = { prompt = opts.prompt, items = texts }
    for i, text in ipairs(texts) do
      if text:find(want, 1, true) then
        return on_choice(items[i], i)
      end
    end
    on_choice(nil, nil)
  end
end

local function bcdc_client(buf)
  return vim.lsp.get_clients({ name = 'bcdc', bufnr = buf })[1]
end

local function names_of_clients(buf)
  return vim.tbl_map(function(c)
    return c.name
  end, vim.lsp.get_clients({ bufnr = buf }))
end

local function bcdc_diags(buf)
  local client = bcdc_client(buf)
  if not client then
    return {}
  end
  return vim.diagnostic.get(buf, { namespace = vim.lsp.diagnostic.get_namespace(client.id) })
end

local function summary(diags)
  return vim.tbl_map(function(d)
    return { code = d.code, lnum = d.lnum, severity = d.severity, message = d.message }
  end, diags)
end

local function line_of(buf, pattern)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if line:find(pattern) then
      return i - 1, line
    end
  end
end

local function run()
  local v = vim.version()
  step('start', v.major == 0 and v.minor >= 11 or v.major > 0, { nvim = tostring(v), mode = mode, name = name })
  vim.cmd('filetype on') -- on by default in a user's Neovim; -u NONE turns it off

  -- Another YAML/JSON server, enabled the nvim-lspconfig way, shares the record buffer.
  vim.lsp.config('other_ls', { cmd = { 'python3', here .. '/other_ls.py' }, filetypes = { 'yaml', 'json' } })
  vim.lsp.enable('other_ls')

  local key_source = { env = 'BCDC_TEST_CKAN_TOKEN' }
  local catalogue = ckan_url or 'test'
  -- the code lens follows the catalogue within seconds (lens_walkthrough changes it behind its back)
  local every = 2
  if mode == 'setup' then
    require('bcdc').setup({
      cmd = { server, 'serve' },
      catalogue = catalogue,
      api_key = key_source,
      catalogue_refresh_seconds = every,
    })
  else
    -- As a plugin manager would: options first, then plugin/ scripts, then the native LSP calls.
    vim.g.bcdc = { catalogue = catalogue, api_key = key_source, catalogue_refresh_seconds = every }
    vim.cmd('runtime! plugin/**/*.lua')
    vim.lsp.config('bcdc', { cmd = { server, 'serve' } })
    vim.lsp.enable('bcdc')
  end

  -- 1. Both servers attach to the record.
  vim.cmd.edit(vim.fn.fnameescape(ws .. '/invalid.bcdc.yaml'))
  local buf = vim.api.nvim_get_current_buf()
  vim.wait(timeout, function()
    local c = bcdc_client(buf)
    return c and c.initialized and #vim.lsp.get_clients({ name = 'other_ls', bufnr = buf }) > 0
  end, 20)
  if not step('attach', bcdc_client(buf) ~= nil, { filetype = vim.bo[buf].filetype, clients = names_of_clients(buf) }) then
    return
  end
  step('filetype_kept', vim.bo[buf].filetype == 'yaml', vim.bo[buf].filetype)

  -- 2. The server's diagnostics: invalid-choice on the SECRET line, missing-required for notes.
  local secret_line = line_of(buf, '^security_class: SECRET')
  local function has(code, lnum)
    for _, d in ipairs(bcdc_diags(buf)) do
      if d.code == code and (lnum == nil or d.lnum == lnum) then
        return true
      end
    end
    return false
  end
  vim.wait(timeout, function()
    return has('invalid-choice', secret_line) and has('missing-required')
  end, 20)
  step('diagnostics', has('invalid-choice', secret_line) and has('missing-required'), {
    expect_line = secret_line,
    got = summary(bcdc_diags(buf)),
  })

  -- 2b. The licence id shows its title as an inlay hint, turned on by the plugin and drawn by Neovim.
  local licence_line = line_of(buf, '^license_id:')
  local title = 'Open Government Licence - British Columbia'
  -- Neovim draws inlay hints while redrawing (no lasting extmarks): read them off the screen.
  local function drawn()
    vim.cmd('redraw')
    local pos = vim.fn.screenpos(vim.api.nvim_get_current_win(), licence_line + 1, 1)
    if pos.row == 0 then
      return nil
    end
    local cells = {}
    for col = 1, vim.o.columns do
      cells[#cells + 1] = vim.fn.screenstring(pos.row, col)
    end
    local text = vim.trim(table.concat(cells))
    return text:find(title, 1, true) and text or nil
  end
  vim.wait(timeout, function()
    return drawn() ~= nil
  end, 50)
  step('inlay_hint', vim.lsp.inlay_hint.is_enabled({ bufnr = buf }) and drawn() == 'license_id: "2" ' .. title, {
    enabled = vim.lsp.inlay_hint.is_enabled({ bufnr = buf }),
    screen = drawn(),
    hints = vim.tbl_map(function(h)
      return h.inlay_hint.label
    end, vim.lsp.inlay_hint.get({ bufnr = buf })),
  })

  -- 3. Completion after `security_class: ` lists the four classifications.
  local col = #'security_class: '
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = secret_line, character = col } }
  local res = vim.lsp.buf_request_sync(buf, 'textDocument/completion', params, timeout) or {}
  local labels = {}
  local r = res[bcdc_client(buf).id]
  for _, item in ipairs(r and r.result and (r.result.items or r.result) or {}) do
    labels[#labels + 1] = item.label
  end
  local want = { 'PUBLIC', 'PROTECTED A', 'PROTECTED B', 'PROTECTED C' }
  step('completion', #vim.tbl_filter(function(w)
    return vim.list_contains(labels, w)
  end, want) == #want, labels)

  -- 4. The quick fix, chosen the way a user does (code action menu on the SECRET line), replaces the
  --    value and the diagnostic goes away.
  vim.api.nvim_win_set_cursor(0, { secret_line + 1, col })
  answer_select('PUBLIC')
  vim.lsp.buf.code_action({ context = { only = { 'quickfix' } } })
  vim.wait(timeout, function()
    return not has('invalid-choice')
  end, 20)
  local _, fixed = line_of(buf, '^security_class:')
  step('quick_fix', fixed == 'security_class: PUBLIC' and not has('invalid-choice'), {
    line = fixed,
    menu = prompts[#prompts],
    diagnostics = summary(bcdc_diags(buf)),
  })

  -- 5. Typing the missing notes makes the record valid.
  local title_line = line_of(buf, '^title:')
  vim.api.nvim_buf_set_lines(buf, title_line + 1, title_line + 1, false, { 'notes: Created by the bcdc.nvim end-to-end test.' })
  local function errors()
    return vim.tbl_filter(function(d)
      return d.severity == vim.diagnostic.severity.ERROR
    end, bcdc_diags(buf))
  end
  vim.wait(timeout, function()
    return #errors() == 0
  end, 20)
  step('record_valid', #errors() == 0, summary(bcdc_diags(buf)))

  -- 6. Publishing to prod asks first, from the command and from the server's "Publish" code action;
  --    answering Cancel sends nothing.
  vim.cmd('BcdcCatalogue prod')
  answer_select('Cancel')
  local before = #prompts
  vim.cmd('BcdcPublish')
  vim.lsp.buf.code_action({
    context = { only = { 'source' } },
    apply = true,
    filter = function(action)
      return action.title:find('^Publish') ~= nil
    end,
  })
  vim.wait(timeout, function()
    return #prompts == before + 2
  end, 20)
  local cancelled = #vim.tbl_filter(function(n)
    return n.msg == 'bcdc: publish cancelled'
  end, notes)
  step('prod_confirm', #prompts == before + 2 and cancelled == 2 and not line_of(buf, '^id:'),
    vim.list_slice(prompts, before + 1))
  vim.cmd('BcdcCatalogue ' .. catalogue)

  -- After the quick fix and the commands, the other server is still attached, its diagnostics untouched.
  local other = vim.lsp.get_clients({ name = 'other_ls', bufnr = buf })[1]
  step('other_server_kept', other ~= nil and #vim.diagnostic.get(buf, {
    namespace = vim.lsp.diagnostic.get_namespace(other.id),
  }) == 1, names_of_clients(buf))

  if not have_ckan then
    out('E2E SKIP publish, published_on_ckan, update, pull: BCDC_TEST_CKAN_URL, BCDC_TEST_CKAN_TOKEN and BCDC_TEST_CKAN_ORG are not all set')
    return
  end

  -- 7. :BcdcPublish creates the record on the local CKAN and the server writes its id into the buffer.
  -- The command is done when its outcome is shown (the id edit arrives just before).
  local shown = #notes
  vim.cmd('BcdcPublish')
  vim.wait(timeout, function()
    return #notes > shown
  end, 50)
  local _, id_line = line_of(buf, '^id:')
  local id = id_line and vim.trim(id_line:gsub('^id:%s*', ''):gsub('["\']', ''))
  if not step('publish', id ~= nil and id ~= '', { id_line = id_line, notifications = vim.list_slice(notes, shown + 1) }) then
    return
  end

  -- The catalogue really has it (asked directly with curl, not through the server).
  local function ckan_show()
    local res = vim.system({ 'curl', '-sS', '-H', 'Authorization: ' .. ckan_token,
      ckan_url .. '/api/3/action/package_show?id=' .. id }, { text = true }):wait(timeout)
    local ok, body = pcall(vim.json.decode, res.stdout or '')
    return ok and body.success and body.result or nil, res.stdout
  end
  local stored, raw = ckan_show()
  step('published_on_ckan', stored and stored.name == name and stored.id == id and stored.security_class == 'PUBLIC',
    stored and { id = stored.id, name = stored.name, notes = stored.notes } or raw)

  -- 8. :BcdcUpdate sends the edited notes once the user answers the server's question with Update.
  local notes_line = line_of(buf, '^notes:')
  local new_notes = 'Updated by the bcdc.nvim end-to-end test.'
  vim.api.nvim_buf_set_lines(buf, notes_line, notes_line + 1, false, { 'notes: ' .. new_notes })
  answer_select('Update')
  local asked = #prompts
  shown = #notes
  vim.cmd('BcdcUpdate')
  vim.wait(timeout, function()
    return #notes > shown
  end, 50)
  stored, raw = ckan_show()
  step('update', #prompts == asked + 1 and stored and stored.notes == new_notes, {
    question = prompts[asked + 1],
    notes_on_ckan = stored and stored.notes or raw,
    notifications = vim.list_slice(notes, shown + 1),
  })

  -- 9. :BcdcPull fetches the record into a new file.
  local pulled = ws .. '/pulled.bcdc.yaml'
  vim.cmd('BcdcPull ' .. name .. ' ' .. vim.fn.fnameescape(pulled))
  local function pulled_text()
    local f = io.open(pulled)
    local text = f and f:read('*a')
    if f then
      f:close()
    end
    return text
  end
  vim.wait(timeout, function()
    local t = pulled_text()
    return t and t:find('name: ' .. name, 1, true) ~= nil
  end, 50)
  io.stdout:write('\n') -- after Neovim's "written" message
  local text = pulled_text()
  step('pull', text and text:find('name: ' .. name, 1, true) and text:find(id, 1, true),
    { file = text, notifications = notes })
end

-- A CKAN action as a sysadmin, with curl (not through the server): the catalogue's side of the
-- walk-through. Returns the action's result, or nil and the raw answer.
local function ckan_action(action, body)
  local res = vim.system({ 'curl', '-sS', '-m', '15', '-H', 'Authorization: ' .. ckan_token,
    '-H', 'Content-Type: application/json', '-d', vim.json.encode(body),
    ckan_url .. '/api/3/action/' .. action }, { text = true }):wait(timeout)
  local ok, answer = pcall(vim.json.decode, res.stdout or '')
  if ok and type(answer) == 'table' and answer.success then
    return answer.result
  end
  return nil, res.stdout
end

-- 13. The code lens on a new record, clicked through the way a metadata editor would: Publish,
--     an edit and Show diff, a change on the catalogue and Pull, a conflict and its quick fixes.
local function lens_walkthrough()
  vim.cmd('silent! %bwipeout!') -- a fresh start: only the lens record open
  vim.cmd.edit(vim.fn.fnameescape(ws .. '/lens.bcdc.yaml'))
  local buf = vim.api.nvim_get_current_buf()
  vim.wait(timeout, function()
    local c = bcdc_client(buf)
    return c and c.initialized
  end, 20)
  -- counts the server's requests to draw the lens again (the plugin's handler still runs)
  local refreshes = 0
  local client = assert(bcdc_client(buf), 'bcdc-lsp did not attach to lens.bcdc.yaml')
  local on_refresh = client.handlers['workspace/codeLens/refresh']
  client.handlers['workspace/codeLens/refresh'] = function(...)
    refreshes = refreshes + 1
    return on_refresh(...)
  end
  local function titles()
    return table.concat(vim.tbl_map(function(l)
      return l.command and l.command.title or '?'
    end, vim.lsp.codelens.get(buf)), ' | ')
  end
  -- waits until the lens reads `want` (a string, or a function of the titles)
  local function lens_is(want)
    local test = type(want) == 'function' and want or function(t)
      return t == want
    end
    vim.wait(timeout, function()
      return test(titles())
    end, 50)
    return test(titles()), titles()
  end
  local function text()
    return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
  end
  local function file_text()
    return table.concat(vim.fn.readfile(ws .. '/lens.bcdc.yaml'), '\n')
  end
  local esc = vim.api.nvim_replace_termcodes('<Esc>', true, false, true)
  -- types a new line in place of the one matching `pattern`, in insert mode
  local function retype(pattern, line)
    vim.api.nvim_win_set_cursor(0, { assert(line_of(buf, pattern)) + 1, 0 })
    vim.api.nvim_feedkeys('cc' .. line .. esc, 'xn', false)
  end
  local function value_of(field)
    local _, line = line_of(buf, '^' .. field .. ':')
    return line and vim.trim(line:gsub('^' .. field .. ':%s*', ''):gsub('^["\']', ''):gsub('["\']$', ''))
  end

  -- a. Not published: the lens says so and offers Publish, drawn at the end of line 1.
  local ok, got = lens_is('Not published | Publish')
  vim.cmd('redraw')
  local pos = vim.fn.screenpos(vim.api.nvim_get_current_win(), 1, 1)
  local cells = {}
  for col = 1, vim.o.columns do
    cells[#cells + 1] = vim.fn.screenstring(pos.row, col)
  end
  local screen = vim.trim(table.concat(cells))
  step('lens_not_published', ok and screen:find('Not published | Publish', 1, true) ~= nil,
    { lens = got, screen = screen })
  if not have_ckan then
    out('E2E SKIP the code lens with a catalogue: BCDC_TEST_CKAN_URL, BCDC_TEST_CKAN_TOKEN and BCDC_TEST_CKAN_ORG are not all set')
    return
  end

  -- b. Publish, run with Neovim's own vim.lsp.codelens.run() on line 1 (its only action): the id is
  --    written into the buffer and saved.
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  local shown = #notes
  vim.lsp.codelens.run()
  vim.wait(timeout, function()
    return line_of(buf, '^id:') ~= nil and not vim.bo[buf].modified
  end, 50)
  local id = value_of('id')
  local stored = id and ckan_action('package_show', { id = id })
  if not step('lens_publish', id and not vim.bo[buf].modified and file_text():find(id, 1, true)
    and stored and stored.name == name .. '-lens', {
      id = id,
      modified = vim.bo[buf].modified,
      notifications = vim.list_slice(notes, shown + 1),
    }) then
    return
  end
  ok, got = lens_is('Published · unchanged')
  step('lens_unchanged', ok, got)

  -- c. The title edited (typed in insert mode): one field to update.
  local old_title = value_of('title')
  local new_title = 'Neovim code lens test, title edited'
  retype('^title:', 'title: ' .. new_title)
  ok, got = lens_is('1 field to update | Update | Show diff')
  step('lens_to_update', ok, { lens = got, title = value_of('title') })

  -- d. Show diff, picked from :BcdcLens: a new tab with the catalogue's copy left and the file
  --    right, read-only, in diff mode, with the old and the new title.
  answer_select('Show diff')
  local asked = #prompts
  local tabs = vim.fn.tabpagenr('$')
  vim.cmd('BcdcLens')
  vim.wait(timeout, function()
    return vim.fn.tabpagenr('$') > tabs
  end, 50)
  local sides = {}
  for _, win in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    local b = vim.api.nvim_win_get_buf(win)
    sides[#sides + 1] = {
      name = vim.api.nvim_buf_get_name(b),
      text = table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), '\n'),
      diff = vim.wo[win].diff,
      filetype = vim.bo[b].filetype,
      modifiable = vim.bo[b].modifiable,
      clients = #vim.lsp.get_clients({ bufnr = b }),
      winbar = vim.wo[win].winbar,
    }
  end
  local left, right = sides[1] or {}, sides[2] or {}
  step('lens_show_diff', vim.fn.tabpagenr('$') == tabs + 1 and #sides == 2
    and left.name == 'bcdc://catalogue/lens.bcdc.yaml' and right.name == 'bcdc://file/lens.bcdc.yaml'
    and (left.text or ''):find(old_title, 1, true) and (right.text or ''):find(new_title, 1, true)
    and not (left.text or ''):find(new_title, 1, true)
    and left.diff and right.diff and left.filetype == 'yaml' and not left.modifiable and not right.modifiable
    and left.clients == 0 and right.clients == 0, { menu = prompts[asked + 1], sides = sides })
  vim.cmd('tabclose')

  -- e. notes changed on the catalogue, the title edit taken back and saved: the lens offers Pull.
  --    (Typed back rather than `u`: keys fed from a script join the server's id edit in one undo
  --    block, which a user's typing would not.)
  local theirs = 'Notes changed on the catalogue by the bcdc.nvim code lens test.'
  local patched, raw = ckan_action('package_patch', { id = id, notes = theirs })
  vim.api.nvim_set_current_buf(buf)
  retype('^title:', 'title: ' .. old_title)
  vim.cmd('silent write')
  ok, got = lens_is('Changed on the catalogue: `notes` | Pull | Show diff')
  step('lens_changed_on_catalogue', patched and ok and value_of('title') == old_title,
    { lens = got, title = value_of('title'), patch = patched and 'ok' or raw })

  -- f. Pull, picked from :BcdcLens: the catalogue's notes written into the file and the buffer
  --    reloaded; nothing left to do.
  answer_select('Pull')
  asked = #prompts
  vim.cmd('BcdcLens')
  vim.wait(timeout, function()
    return value_of('notes') == theirs
  end, 50)
  local pulled = value_of('notes') == theirs and not vim.bo[buf].modified and file_text():find(theirs, 1, true)
  ok, got = lens_is('Published · unchanged')
  step('lens_pull', pulled and ok, { lens = got, menu = prompts[asked + 1], notes = value_of('notes'),
    modified = vim.bo[buf].modified })

  -- g. A conflict: notes edited and saved here, and changed on the catalogue too.
  local function conflict_on_notes()
    local lnum = line_of(buf, '^notes:')
    for _, d in ipairs(bcdc_diags(buf)) do
      if d.code == 'conflict' and d.lnum == lnum and d.severity == vim.diagnostic.severity.WARN then
        return d
      end
    end
  end
  local mine = 'Notes edited in Neovim by the bcdc.nvim code lens test.'
  retype('^notes:', 'notes: ' .. mine)
  vim.cmd('silent write')
  local theirs2 = 'Notes changed again on the catalogue by the bcdc.nvim code lens test.'
  -- nothing happens in the editor from here on: the lens learns of the catalogue's change only
  -- through the server's workspace/codeLens/refresh
  vim.wait(timeout, function()
    return titles() == '1 field to update | Update | Show diff'
  end, 50)
  local refreshes_before = refreshes
  patched, raw = ckan_action('package_patch', { id = id, notes = theirs2 })
  ok, got = lens_is('Conflict in `notes` | Show diff')
  vim.wait(timeout, function()
    return conflict_on_notes() ~= nil
  end, 50)
  local warning = conflict_on_notes()
  step('lens_conflict', patched and ok and warning ~= nil and refreshes > refreshes_before, {
    lens = got,
    refresh_requests = refreshes - refreshes_before,
    warning = warning and warning.message,
    diagnostics = summary(bcdc_diags(buf)),
    patch = patched and 'ok' or raw,
  })

  -- h. The quick fix "Take <catalogue>'s value", chosen from the code action menu on the notes line
  --    (which also offers "Keep mine"), writes the catalogue's notes into the buffer.
  vim.api.nvim_win_set_cursor(0, { line_of(buf, '^notes:') + 1, 0 })
  answer_select('Take ')
  asked = #prompts
  vim.lsp.buf.code_action({ context = { only = { 'quickfix' } } })
  vim.wait(timeout, function()
    return value_of('notes') == theirs2 and conflict_on_notes() == nil
  end, 50)
  local menu = prompts[asked + 1] or { items = {} }
  local offers_keep = #vim.tbl_filter(function(t)
    return t:find('Keep mine', 1, true) ~= nil
  end, menu.items) == 1
  local taken = value_of('notes') == theirs2 and conflict_on_notes() == nil
  -- saved, the lens no longer speaks of a conflict
  vim.cmd('silent write')
  ok, got = lens_is(function(t)
    return t ~= '' and not t:find('Conflict', 1, true)
  end)
  step('conflict_take_theirs', taken and offers_keep and ok,
    { menu = menu, notes = value_of('notes'), diagnostics = summary(bcdc_diags(buf)), lens = got })

  -- i. Another conflict, settled with "Keep mine": the update is sent with the quick fix's
  --    { side = "mine" } (without it the server stops at the conflict), once the user answers
  --    the server's question with Update; the record is saved and the catalogue has mine.
  local mine2 = 'Notes kept from Neovim by the bcdc.nvim code lens test.'
  retype('^notes:', 'notes: ' .. mine2)
  vim.cmd('silent write')
  patched, raw = ckan_action('package_patch', { id = id, notes = 'Notes the test takes back.' })
  vim.wait(timeout, function()
    return conflict_on_notes() ~= nil
  end, 50)
  answer_select('Update')
  asked = #prompts
  shown = #notes
  vim.lsp.buf.code_action({
    context = { only = { 'quickfix' } },
    apply = true,
    filter = function(action)
      return action.title:find('^Keep mine') ~= nil
    end,
  })
  vim.wait(timeout, function()
    return #notes > shown -- the outcome, shown once the server answered
  end, 50)
  local on_ckan = ckan_action('package_show', { id = id })
  ok, got = lens_is('Published · unchanged')
  step('conflict_keep_mine', patched and on_ckan and on_ckan.notes == mine2 and ok and not vim.bo[buf].modified
    and #notes > shown and notes[#notes].level == vim.log.levels.INFO, {
    question = prompts[asked + 1],
    notes_on_ckan = on_ckan and on_ckan.notes,
    lens = got,
    notifications = vim.list_slice(notes, shown + 1),
  })
end

-- Runs outside the record checks so they hold whatever happened above.
local function other_checks()
  -- 10. A YAML file that is not a record gets the other server only.
  vim.cmd.edit(vim.fn.fnameescape(ws .. '/plain.yaml'))
  local buf = vim.api.nvim_get_current_buf()
  vim.wait(timeout, function()
    return #vim.lsp.get_clients({ name = 'other_ls', bufnr = buf }) > 0
  end, 20)
  vim.wait(500, function()
    return bcdc_client(buf) ~= nil
  end, 20)
  step('non_record_untouched', bcdc_client(buf) == nil and #vim.lsp.get_clients({ name = 'other_ls', bufnr = buf }) == 1,
    names_of_clients(buf))

  -- 11. A YAML file named like any other is a record when its top level says type: bcdc_dataset.
  vim.cmd.edit(vim.fn.fnameescape(ws .. '/declared.yaml'))
  buf = vim.api.nvim_get_current_buf()
  vim.wait(timeout, function()
    return bcdc_client(buf) ~= nil
  end, 20)
  step('record_by_type', bcdc_client(buf) ~= nil, names_of_clients(buf))

  -- 12b. A record under a bcdc.toml that names the local CKAN's camel-photos type: diagnostics,
  --      completion, hover and the status follow the schema that portal serves, not BCDC's.
  if have_ckan then
    vim.cmd.edit(vim.fn.fnameescape(ws .. '/camels/larry.bcdc.yaml'))
    buf = vim.api.nvim_get_current_buf()
    local function humps_error()
      for _, d in ipairs(bcdc_diags(buf)) do
        if d.message:find('whole number', 1, true) then
          return true
        end
      end
      return false
    end
    vim.wait(timeout, humps_error, 20)
    step('portal_diagnostics', humps_error(), summary(bcdc_diags(buf)))
    local lnum = line_of(buf, '^category:')
    local res = vim.lsp.buf_request_sync(buf, 'textDocument/completion', {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      position = { line = lnum, character = #'category: ' },
    }, timeout) or {}
    local r = bcdc_client(buf) and res[bcdc_client(buf).id]
    local labels = {}
    for _, item in ipairs(r and r.result and (r.result.items or r.result) or {}) do
      labels[#labels + 1] = item.label
    end
    step('portal_completion', vim.list_contains(labels, 'bactrian') and not vim.list_contains(labels, 'PUBLIC'), labels)
    local hl = line_of(buf, '^humps:')
    res = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      position = { line = hl, character = 1 },
    }, timeout) or {}
    r = bcdc_client(buf) and res[bcdc_client(buf).id]
    local shown = r and r.result and r.result.contents and r.result.contents.value or ''
    step('portal_hover', shown:lower():find('humps', 1, true) ~= nil, shown)
    local status = vim.b[buf].bcdc_status or {}
    step('portal_status_names_schema', (status.schema or ''):find('camel-photos', 1, true) ~= nil, status.schema)
  end

  -- 12. :checkhealth bcdc names the binary, its version and the key source, never the key.
  vim.cmd('checkhealth bcdc')
  io.stdout:write('\n') -- after checkhealth's progress text
  local report = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  local key_line = have_ckan and 'API key: available' or 'API key: not available'
  step('checkhealth', report:find('version: bcdc%-lsp %d') ~= nil and report:find(key_line, 1, true) ~= nil
    and not (have_ckan and report:find(ckan_token, 1, true)), vim.split(report, '\n'))
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  step('lua_error', false, err)
end
ok, err = xpcall(lens_walkthrough, debug.traceback)
if not ok then
  step('lua_error', false, err)
end
ok, err = xpcall(other_checks, debug.traceback)
if not ok then
  step('lua_error', false, err)
end
finish()
