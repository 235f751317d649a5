-- seek for Neovim (0.7+): starts `seek lsp` (which bridges to the seek daemon) for each
-- project root, shows `textDocument/inlineCompletion` suggestions as ghost text while you
-- type, and adds :SeekChat (the agent in a terminal split) and :SeekStatus. No logic beyond
-- the UI lives here: everything else is an LSP request to the daemon.
--
--   require("seek").setup({ cmd = { "seek", "lsp" }, accept_key = "<Tab>" })
local M = {}

M.config = {
  cmd = { "seek", "lsp" },  -- add "--backend", "openai", ... for a remote model
  filetypes = nil,          -- nil: every buffer with a file; else a list of filetypes
  debounce_ms = 120,
  accept_key = "<Tab>",
  dismiss_key = "<C-]>",
  chat_cmd = { "seek", "chat" },
}

local ns = vim.api.nvim_create_namespace("seek")
local clients = {}  -- root -> client id
local buffers = {}  -- buf -> { client_id, timer, request_id, item, row, col }

local function root_of(buf)
  local name = vim.api.nvim_buf_get_name(buf)
  local dir = name ~= "" and vim.fn.fnamemodify(name, ":p:h") or vim.fn.getcwd()
  local git = vim.fn.finddir(".git", dir .. ";")
  if git ~= "" then
    return vim.fn.fnamemodify(git, ":p:h:h")
  end
  return dir
end

local function client_for(root)
  local id = clients[root]
  if id and vim.lsp.get_client_by_id(id) then
    return id
  end
  if vim.fn.executable(M.config.cmd[1]) ~= 1 then
    vim.notify("seek: '" .. M.config.cmd[1] .. "' is not on PATH (build seek, or set cmd)", vim.log.levels.WARN)
    return nil
  end
  id = vim.lsp.start_client({
    name = "seek",
    cmd = M.config.cmd,
    root_dir = root,
    on_exit = function()
      clients[root] = nil
    end,
  })
  clients[root] = id
  return id
end

-- A position's character offset as a byte index into `line`, in the encoding the client
-- and server agreed on (utf-16 unless both said otherwise).
local function to_byte(line, character, encoding)
  if encoding == "utf-8" then
    return math.min(character, #line)
  end
  local ok, byte = pcall(vim.str_byteindex, line, character, encoding ~= "utf-32")
  return ok and byte or #line
end

--- Removes the ghost text of `buf` and forgets its suggestion.
function M.clear(buf)
  buf = buf or vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_clear_namespace(buf, ns, 0, -1)
  local s = buffers[buf]
  if s then
    s.item = nil
  end
end

-- The item's text beyond what is already typed: it replaces its range, which starts at or
-- before the cursor on the cursor line, so the typed part (range start..cursor) is cut off.
local function ghost_lines(buf, item, row, col, encoding)
  local line = vim.api.nvim_buf_get_lines(buf, row, row + 1, false)[1] or ""
  local start_byte = item.range and to_byte(line, item.range.start.character, encoding) or col
  local typed = line:sub(start_byte + 1, col)
  local text = type(item.insertText) == "string" and item.insertText or item.insertText.value
  if text:sub(1, #typed) ~= typed then
    return nil
  end
  return vim.split(text:sub(#typed + 1), "\n", { plain = true })
end

local function show(buf, item, row, col, encoding)
  M.clear(buf)
  local s = buffers[buf]
  local lines = ghost_lines(buf, item, row, col, encoding)
  if not lines or (#lines == 1 and lines[1] == "") then
    return
  end
  local extra = {}
  for i = 2, #lines do
    table.insert(extra, { { lines[i], "Comment" } })
  end
  vim.api.nvim_buf_set_extmark(buf, ns, row, col, {
    virt_text = { { lines[1], "Comment" } },
    virt_text_pos = "overlay",
    virt_lines = #extra > 0 and extra or nil,
  })
  s.item, s.row, s.col, s.encoding = item, row, col, encoding
  local client = vim.lsp.get_client_by_id(s.client_id)
  if client then
    client.notify("seek/didShowCompletion", { uri = vim.uri_from_bufnr(buf) })
  end
end

--- Asks for a suggestion at the cursor now (the typing autocmds call it, debounced).
function M.request(buf)
  buf = buf or vim.api.nvim_get_current_buf()
  local s = buffers[buf]
  if not s then
    return
  end
  local client = vim.lsp.get_client_by_id(s.client_id)
  if not client then  -- `seek lsp` (or the daemon) went away: start again and re-attach
    local id = client_for(root_of(buf))
    if not id then
      return
    end
    s.client_id = id
    vim.lsp.buf_attach_client(buf, id)
    return
  end
  if not client.initialized then
    return
  end
  if s.request_id then
    client.cancel_request(s.request_id)  -- the server also supersedes it (-32802)
    s.request_id = nil
  end
  local encoding = client.offset_encoding or "utf-16"
  local params = vim.lsp.util.make_position_params(0, encoding)
  params.context = { triggerKind = 2 }  -- automatic
  local changedtick = vim.api.nvim_buf_get_changedtick(buf)
  local win = vim.api.nvim_get_current_win()
  local cursor = vim.api.nvim_win_get_cursor(win)
  local _, request_id = client.request("textDocument/inlineCompletion", params, function(err, result)
    if buffers[buf] ~= s then
      return  -- the buffer was unloaded meanwhile
    end
    s.request_id = nil
    if err or type(result) ~= "table" or not vim.api.nvim_buf_is_valid(buf) then
      return
    end
    -- Stale: the text changed, or the cursor or the window moved since the request.
    local now = vim.api.nvim_win_get_cursor(win)
    if vim.api.nvim_buf_get_changedtick(buf) ~= changedtick or vim.api.nvim_get_current_win() ~= win
        or now[1] ~= cursor[1] or now[2] ~= cursor[2] then
      return
    end
    local items = result.items or result
    if type(items) == "table" and items[1] then
      show(buf, items[1], cursor[1] - 1, cursor[2], encoding)
    end
  end, buf)
  s.request_id = request_id
end

--- Inserts the shown suggestion; false when there is none.
function M.accept(buf)
  buf = buf or vim.api.nvim_get_current_buf()
  local s = buffers[buf]
  if not s or not s.item then
    return false
  end
  local item = s.item
  local line = vim.api.nvim_buf_get_lines(buf, s.row, s.row + 1, false)[1] or ""
  local start_byte, end_byte = s.col, s.col  -- no range: insert at the cursor
  if item.range then
    start_byte = to_byte(line, item.range.start.character, s.encoding)
    end_byte = to_byte(line, item.range["end"].character, s.encoding)
  end
  local text = type(item.insertText) == "string" and item.insertText or item.insertText.value
  local lines = vim.split(text, "\n", { plain = true })
  M.clear(buf)
  vim.api.nvim_buf_set_text(buf, s.row, start_byte, s.row, end_byte, lines)
  local last_row = s.row + #lines - 1
  local last_col = (#lines == 1 and start_byte or 0) + #lines[#lines]
  vim.api.nvim_win_set_cursor(0, { last_row + 1, last_col })
  return true
end

--- Starts (or reuses) the seek client for `buf` and wires the ghost text to its typing.
function M.attach(buf)
  buf = buf or vim.api.nvim_get_current_buf()
  if buffers[buf] or vim.bo[buf].buftype ~= "" then
    return buffers[buf] ~= nil
  end
  if M.config.filetypes and not vim.tbl_contains(M.config.filetypes, vim.bo[buf].filetype) then
    return false
  end
  local id = client_for(root_of(buf))
  if not id then
    return false
  end
  vim.lsp.buf_attach_client(buf, id)
  buffers[buf] = { client_id = id, timer = vim.loop.new_timer() }
  local group = vim.api.nvim_create_augroup("seek_buf_" .. buf, { clear = true })
  vim.api.nvim_create_autocmd({ "TextChangedI", "CursorMovedI" }, {
    group = group,
    buffer = buf,
    callback = function()
      M.clear(buf)
      local s = buffers[buf]
      s.timer:stop()
      s.timer:start(M.config.debounce_ms, 0, vim.schedule_wrap(function()
        if vim.api.nvim_get_current_buf() == buf and vim.fn.mode() == "i" then
          M.request(buf)
        end
      end))
    end,
  })
  vim.api.nvim_create_autocmd({ "InsertLeave", "BufLeave" }, { group = group, buffer = buf, callback = function() M.clear(buf) end })
  vim.api.nvim_create_autocmd("BufUnload", {
    group = group,
    buffer = buf,
    callback = function()
      local s = buffers[buf]
      if s then
        s.timer:close()
      end
      buffers[buf] = nil
    end,
  })
  -- Not an expr mapping: those run under textlock, where the buffer cannot change.
  vim.keymap.set("i", M.config.accept_key, function()
    if not M.accept(buf) then
      vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(M.config.accept_key, true, false, true), "ni", false)
    end
  end, { buffer = buf, desc = "seek: accept the suggestion" })
  vim.keymap.set("i", M.config.dismiss_key, function() M.clear(buf) end, { buffer = buf, desc = "seek: dismiss" })
  return true
end

--- The seek client of `buf` (nil when it has none), initialized or not.
function M.client(buf)
  local s = buffers[buf or vim.api.nvim_get_current_buf()]
  return s and vim.lsp.get_client_by_id(s.client_id)
end

--- The daemon's status for the current buffer's client (seek/status), as a table.
function M.status(buf)
  buf = buf or vim.api.nvim_get_current_buf()
  local s = buffers[buf]
  local client = s and vim.lsp.get_client_by_id(s.client_id)
  if not client then
    return nil
  end
  local reply = client.request_sync("seek/status", vim.empty_dict(), 5000, buf)
  return reply and reply.result
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", M.config, opts or {})
  local group = vim.api.nvim_create_augroup("seek", { clear = true })
  vim.api.nvim_create_autocmd({ "BufReadPost", "BufNewFile", "FileType" }, {
    group = group,
    callback = function(args)
      if vim.api.nvim_buf_get_name(args.buf) ~= "" then
        M.attach(args.buf)
      end
    end,
  })
  vim.api.nvim_create_user_command("SeekStatus", function()
    print(vim.inspect(M.status()))
  end, { desc = "seek: the daemon's status for this buffer" })
  vim.api.nvim_create_user_command("SeekChat", function(args)
    local cmd = vim.deepcopy(M.config.chat_cmd)
    vim.list_extend(cmd, { "--repo", root_of(vim.api.nvim_get_current_buf()) })
    vim.list_extend(cmd, args.fargs)
    vim.cmd("botright split")
    vim.fn.termopen(cmd)
    vim.cmd("startinsert")
  end, { nargs = "*", desc = "seek: the agent in a terminal split (seek chat)" })
end

return M
