-- Which buffers are BCDC record files: an approximation of the server's one rule (docs/protocol.md,
-- "Documents"; check::is_record), so bcdc-lsp only starts for records and leaves other YAML/JSON
-- buffers to other servers. The server decides what it analyses: another portal's type under a
-- bcdc.toml is seen here only when the file is named like a record (`patterns`).
local M = {}

--- @param path string
--- @param globs string[] such as { '*.bcdc.yaml' }, matched against the file name
function M.name_matches(path, globs)
  local base = vim.fs.basename(path)
  for _, glob in ipairs(globs) do
    if vim.glob.to_lpeg(glob):match(base) then
      return true
    end
  end
  return false
end

-- A YAML top-level key sits at column 0; JSON records are a single object, and only the dataset
-- itself carries type "bcdc_dataset" (resources have no such type).
local yaml_type = [[^["']?type["']?%s*:%s*["']?bcdc_dataset["']?%s*$]]
local yaml_type_comment = [[^["']?type["']?%s*:%s*["']?bcdc_dataset["']?%s+#]]
local json_type = [["type"%s*:%s*"bcdc_dataset"]]

--- @param lines string[]
function M.declares_type(lines)
  for _, line in ipairs(lines) do
    if line:match(yaml_type) or line:match(yaml_type_comment) or line:match(json_type) then
      return true
    end
  end
  return false
end

-- Records are small; stop looking after this many lines so a huge YAML file costs nothing.
local max_lines = 2000

--- @param bufnr integer
--- @param globs string[]
function M.is_record(bufnr, globs)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name ~= '' and M.name_matches(name, globs) then
    return true
  end
  return M.declares_type(vim.api.nvim_buf_get_lines(bufnr, 0, max_lines, false))
end

return M
