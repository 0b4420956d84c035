-- Drives headless Neovim (0.7+) through an ownit scenario with editors/nvim/ownit.lua.
-- Run: nvim --headless -u NONE -i NONE -n -c 'luafile nvim_flow.lua'
-- Reads its configuration from the JSON file named by $OWNIT_E2E_CONFIG; writes what it saw to
-- config.result (and `error` there when a step failed), then exits 0, or 1 on failure.

local cfg = vim.fn.json_decode(table.concat(vim.fn.readfile(os.getenv("OWNIT_E2E_CONFIG")), "\n"))
local record = { steps = {} }
local WAIT_MS = 15000

local function step(name)
  table.insert(record.steps, name)
end

local function write_record()
  vim.fn.writefile({ vim.fn.json_encode(record) }, cfg.result)
end

local function wait_for(what, predicate)
  local ok = vim.wait(WAIT_MS, predicate, 20)
  if not ok then
    error("timed out waiting for " .. what)
  end
end

-- What vim.notify shows (errors from the glue land here).
record.notifications = {}
vim.notify = function(msg, level)
  table.insert(record.notifications, { msg = tostring(msg), level = level })
end

local function ownit_diagnostics(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.source == "ownit" then
      local lsp = d.user_data and d.user_data.lsp or {}
      table.insert(out, {
        lnum = d.lnum,
        end_lnum = d.end_lnum,
        end_col = d.end_col,
        code = d.code or lsp.code,
        source = d.source,
        message = d.message,
        data = lsp.data,
      })
    end
  end
  return out
end

-- Runs vim.lsp.buf.code_action() exactly as a user would, with the cursor on `line`
-- (0-based); `choose(title)` picks the action to run (nil: pick none). Returns the titles.
local function code_actions(line, choose)
  vim.api.nvim_win_set_cursor(0, { line + 1, 0 })
  local titles
  local original = vim.ui.select
  vim.ui.select = function(items, opts, on_choice)
    titles = {}
    local picked
    for _, item in ipairs(items) do
      local title = opts.format_item and opts.format_item(item) or item[2].title
      table.insert(titles, title)
      if choose and not picked and choose(title) then
        picked = item
      end
    end
    on_choice(picked)
  end
  local ok, err = pcall(vim.lsp.buf.code_action)
  if not ok then
    vim.ui.select = original
    error(err)
  end
  wait_for("code actions", function()
    return titles ~= nil
      or vim.tbl_contains(
        vim.tbl_map(function(n)
          return n.msg
        end, record.notifications),
        "No code actions available"
      )
  end)
  vim.ui.select = original
  return titles or {}
end

local function main()
  package.path = cfg.editors_dir .. "/nvim/?.lua;" .. package.path
  local ownit = require("ownit")
  ownit.setup({ cmd = cfg.server_cmd, flags = { debounce_text_changes = 0 } })
  step("setup")

  vim.cmd("edit " .. vim.fn.fnameescape(cfg.file))
  local buf = vim.api.nvim_get_current_buf()
  local client
  wait_for("the server to initialize", function()
    client = ownit.client(buf)
    return client ~= nil and client.initialized == true
  end)
  record.offset_encoding = client.offset_encoding
  step("initialized")

  -- 1. Mark the region as written by copilot (ownit.markAi through workspace/executeCommand).
  local first, last = cfg.region[1], cfg.region[2]
  -- (In the comment scenario the region is marked first, so the server has to follow it
  -- when the comment line pushes it down.)
  local marked
  ownit.mark_ai({
    first = first + 1,
    last = last + 1,
    tool = "copilot",
    on_done = function(err, result)
      marked = { err = err, result = result }
    end,
  })
  wait_for("ownit.markAi to answer", function()
    return marked ~= nil
  end)
  record.mark = marked
  if marked.err then
    error("ownit.markAi failed: " .. vim.inspect(marked.err))
  end
  local region = marked.result and marked.result.regionId
  wait_for("the unowned-ai diagnostic", function()
    return #ownit_diagnostics(buf) > 0
  end)
  record.diagnostics_after_mark = ownit_diagnostics(buf)
  step("marked")

  if cfg.scenario == "claim" then
    -- 2. The quick fixes offered on the region, through Neovim's own code_action().
    record.titles = code_actions(first, nil)
    step("code actions")

    -- 3. A placeholder rationale is refused with a JSON-RPC error that says why.
    vim.api.nvim_win_set_cursor(0, { first + 1, 0 })
    local rejected
    ownit.claim({
      rationale = cfg.placeholder,
      on_done = function(err, result)
        rejected = { err = err, result = result }
      end,
    })
    wait_for("the placeholder claim to answer", function()
      return rejected ~= nil
    end)
    record.placeholder_claim = rejected
    record.diagnostics_after_placeholder = ownit_diagnostics(buf)
    step("placeholder rejected")

    -- 4. "Own this AI-written code…" from code_action(); the glue prompts for the rationale
    --    (vim.ui.input, answered here as a user would) and sends ownit.claim with it.
    local prompted
    local original_input = vim.ui.input
    vim.ui.input = function(opts, on_confirm)
      prompted = opts.prompt
      on_confirm(cfg.rationale)
    end
    -- (the prompt stays answered until the claim landed: a codeAction/resolve may come first)
    local ok_claim, claim_err = pcall(function()
      code_actions(first, function(title)
        return title == cfg.own_title
      end)
      wait_for("the diagnostic to clear", function()
        return #ownit_diagnostics(buf) == 0
      end)
    end)
    vim.ui.input = original_input
    record.prompt = prompted
    if not ok_claim then
      error(claim_err)
    end
    record.diagnostics_after_claim = ownit_diagnostics(buf)
    step("claimed")
  elseif cfg.scenario == "comment" then
    -- 2. A comment with the rationale directly above the region.
    vim.api.nvim_buf_set_lines(buf, first, first, false, { "# ownit: " .. cfg.rationale })
    wait_for("the diagnostic to follow the region down a line", function()
      local d = ownit_diagnostics(buf)
      return #d > 0 and d[1].lnum == first + 1
    end)
    record.diagnostics_after_comment = ownit_diagnostics(buf)
    step("comment inserted")

    -- 3. Pick "Own with the rationale above" from code_action(); the server answers with a
    --    workspace/applyEdit that removes the comment, which Neovim applies.
    record.titles = code_actions(first + 1, function(title)
      return title == cfg.own_above_title
    end)
    step("action chosen")
    wait_for("the diagnostic to clear", function()
      return #ownit_diagnostics(buf) == 0
    end)
    wait_for("the comment line to be removed", function()
      return vim.api.nvim_buf_line_count(buf) == cfg.line_count
    end)
    step("claimed from comment")
  end
  record.region_id = region
  record.lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)

  -- 5. Hover on the owned region (what the user sees afterwards).
  local hover = vim.lsp.buf_request_sync(buf, "textDocument/hover", {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = first, character = 0 },
  }, 5000)
  record.hover = hover and select(2, next(hover)) or nil
  step("done")
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  record.error = tostring(err)
end
local log = vim.lsp.get_log_path and vim.lsp.get_log_path() or ""
record.lsp_log = log
write_record()
for _, client in pairs(vim.lsp.get_active_clients()) do
  client.stop()
end
vim.wait(2000, function()
  return #vim.lsp.get_active_clients() == 0
end, 20)
if ok then
  vim.cmd("qa!")
else
  vim.cmd("cq!")
end
