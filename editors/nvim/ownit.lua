-- ownit for Neovim >= 0.7: start `ownit lsp` for files inside a git repository, and own
-- (claim) the AI-written region under the cursor with a rationale.
--
-- Copy this file to ~/.config/nvim/lua/ownit.lua, then in init.lua:
--   require("ownit").setup()                       -- or setup({ cmd = { "/path/to/ownit", "lsp" } })
-- Commands:
--   :OwnitClaim [rationale]   own the region under the cursor (prompts when no rationale given)
--   :OwnitDismiss [reason]    record that the region under the cursor is not AI-written
--   :'<,'>OwnitMarkAi [tool]  mark the selected lines as AI-written (tool defaults to "manual")
--   :OwnitStatus              list every unowned or stale region in the workspace
-- The quick fixes are also in vim.lsp.buf.code_action(): "Own this AI-written code…" and
-- "Not AI-written…" prompt for the rationale / reason (vim.ui.input).

local M = {}

M.config = {
  cmd = { "ownit", "lsp" },
  name = "ownit",
  -- nil: every file in a git repository; or a list of filetypes, e.g. { "python", "lua" }
  filetypes = nil,
  root_markers = { ".git" },
  flags = { debounce_text_changes = 150 },
  -- called as on_attach(client, bufnr), e.g. to add mappings
  on_attach = nil,
}

local clients = {} -- root_dir -> client id

local function notify(msg, level)
  vim.notify("ownit: " .. msg, level or vim.log.levels.INFO)
end

--- The nearest ancestor directory of `path` holding one of the root markers, or nil.
function M.find_root(path)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  while dir and dir ~= "" do
    for _, marker in ipairs(M.config.root_markers) do
      if vim.loop.fs_stat(dir .. "/" .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      return nil
    end
    dir = parent
  end
  return nil
end

--- Start (or reuse) the server for the buffer's repository and attach the buffer to it.
--- Returns the client id, or nil when the buffer is not a file in a repository.
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == "" or vim.bo[bufnr].buftype ~= "" then
    return nil
  end
  local ft = vim.bo[bufnr].filetype
  if M.config.filetypes and not vim.tbl_contains(M.config.filetypes, ft) then
    return nil
  end
  local root = M.find_root(name)
  if not root then
    return nil
  end
  local id = clients[root]
  if not id or not vim.lsp.get_client_by_id(id) or vim.lsp.get_client_by_id(id).is_stopped() then
    id = vim.lsp.start_client({
      name = M.config.name,
      cmd = M.config.cmd,
      root_dir = root,
      workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
      flags = M.config.flags,
      on_attach = M.config.on_attach,
    })
    if not id then
      notify("could not start " .. table.concat(M.config.cmd, " "), vim.log.levels.ERROR)
      return nil
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- The ownit client attached to the buffer, or nil.
function M.client(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if client.name == M.config.name then
      return client
    end
  end
  return nil
end

--- The ownit diagnostic on the cursor line (or `lnum`, 0-based), or nil.
function M.diagnostic_at(bufnr, lnum)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  lnum = lnum or (vim.api.nvim_win_get_cursor(0)[1] - 1)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    local region = lsp.data and lsp.data.regionId
    if d.source == "ownit" and region and d.lnum <= lnum and lnum <= math.max(d.end_lnum, d.lnum) then
      return d, region
    end
  end
  return nil
end

-- Sends workspace/executeCommand; calls on_done(err, result). Errors are also shown.
local function execute(bufnr, command, argument, on_done)
  local client = M.client(bufnr)
  if not client then
    local err = { message = "no ownit server attached to this buffer" }
    notify(err.message, vim.log.levels.ERROR)
    if on_done then
      on_done(err, nil)
    end
    return
  end
  local params = { command = command, arguments = { argument } }
  client.request("workspace/executeCommand", params, function(err, result)
    if err then
      notify(command .. " failed: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    end
    if on_done then
      on_done(err, result)
    end
  end, bufnr)
end

local function with_text(text, prompt, callback)
  if text and text ~= "" then
    callback(text)
    return
  end
  vim.ui.input({ prompt = prompt }, function(input)
    if input and input ~= "" then
      callback(input)
    end
  end)
end

--- Own the region under the cursor. opts: rationale (else prompted), region_id, bufnr,
--- on_done(err, result).
function M.claim(opts)
  opts = opts or {}
  local bufnr = opts.bufnr or vim.api.nvim_get_current_buf()
  local region = opts.region_id
  if not region then
    local _
    _, region = M.diagnostic_at(bufnr)
  end
  if not region then
    notify("no AI-written region under the cursor", vim.log.levels.WARN)
    if opts.on_done then
      opts.on_done({ message = "no AI-written region under the cursor" }, nil)
    end
    return
  end
  with_text(opts.rationale, "Why is this code right? ", function(rationale)
    execute(bufnr, "ownit.claim", {
      uri = vim.uri_from_bufnr(bufnr),
      regionId = region,
      rationale = rationale,
    }, opts.on_done)
  end)
end

--- Record that the region under the cursor is not AI-written. opts: reason (else prompted),
--- region_id, bufnr, on_done(err, result).
function M.dismiss(opts)
  opts = opts or {}
  local bufnr = opts.bufnr or vim.api.nvim_get_current_buf()
  local region = opts.region_id
  if not region then
    local _
    _, region = M.diagnostic_at(bufnr)
  end
  if not region then
    notify("no AI-written region under the cursor", vim.log.levels.WARN)
    return
  end
  with_text(opts.reason, "Why is this not AI-written? ", function(reason)
    execute(bufnr, "ownit.dismiss", {
      uri = vim.uri_from_bufnr(bufnr),
      regionId = region,
      reason = reason,
    }, opts.on_done)
  end)
end

--- Mark lines first..last (1-based, inclusive) as written by `tool`. on_done(err, result)
--- receives { regionId = ... }.
function M.mark_ai(opts)
  local bufnr = opts.bufnr or vim.api.nvim_get_current_buf()
  local last = opts.last or opts.first
  execute(bufnr, "ownit.markAi", {
    uri = vim.uri_from_bufnr(bufnr),
    -- the whole lines: from the start of `first` to the start of the line after `last`
    range = {
      start = { line = opts.first - 1, character = 0 },
      ["end"] = { line = last, character = 0 },
    },
    tool = opts.tool or "manual",
  }, opts.on_done)
end

--- Every unowned or stale region in the workspace, in the quickfix list.
function M.status(opts)
  opts = opts or {}
  local bufnr = opts.bufnr or vim.api.nvim_get_current_buf()
  execute(bufnr, "ownit.status", vim.empty_dict(), function(err, result)
    if not err and not opts.on_done then
      local items = {}
      local regions = type(result) == "table" and (result.regions or result) or {}
      for _, r in ipairs(regions) do
        local range = r.range or {}
        local first = r.firstLine or (range.start and range.start.line + 1) or 1
        items[#items + 1] = {
          filename = r.path or (r.uri and vim.uri_to_fname(r.uri)) or "",
          lnum = first,
          text = (r.state or "unowned") .. " " .. (r.tool or ""),
        }
      end
      vim.fn.setqflist({}, "r", { title = "ownit status", items = items })
      notify(#items .. " region(s) need an owner")
    end
    if opts.on_done then
      opts.on_done(err, result)
    end
  end)
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", M.config, opts or {})
  local group = vim.api.nvim_create_augroup("ownit", { clear = true })
  vim.api.nvim_create_autocmd({ "BufReadPost", "BufNewFile", "FileType" }, {
    group = group,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  vim.api.nvim_create_user_command("OwnitClaim", function(c)
    M.claim({ rationale = c.args })
  end, { nargs = "?", desc = "Own the AI-written region under the cursor" })
  vim.api.nvim_create_user_command("OwnitDismiss", function(c)
    M.dismiss({ reason = c.args })
  end, { nargs = "?", desc = "Record that the region under the cursor is not AI-written" })
  vim.api.nvim_create_user_command("OwnitMarkAi", function(c)
    M.mark_ai({ first = c.line1, last = c.line2, tool = c.args ~= "" and c.args or nil })
  end, { nargs = "?", range = true, desc = "Mark lines as AI-written" })
  vim.api.nvim_create_user_command("OwnitStatus", function()
    M.status()
  end, { desc = "List unowned and stale AI-written regions" })
  -- The quick fixes "Own this AI-written code…" and "Not AI-written…" send ownit.claim /
  -- ownit.dismiss without the text the server needs: prompt for it here, then send it on.
  local function prompting(field, prompt)
    return function(command, ctx)
      local arg = (command.arguments or {})[1] or {}
      with_text(arg[field], prompt, function(text)
        local client = vim.lsp.get_client_by_id(ctx.client_id)
        if not client then
          return
        end
        local filled = vim.tbl_extend("force", arg, { [field] = text })
        client.request("workspace/executeCommand", {
          command = command.command,
          arguments = { filled },
        }, function(err)
          if err then
            notify(command.command .. " failed: " .. (err.message or ""), vim.log.levels.ERROR)
          end
        end, ctx.bufnr)
      end)
    end
  end
  vim.lsp.commands["ownit.claim"] = prompting("rationale", "Why is this code right? ")
  vim.lsp.commands["ownit.dismiss"] = prompting("reason", "Why is this not AI-written? ")
  -- Buffers already open when setup() runs.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      M.attach(bufnr)
    end
  end
end

return M
