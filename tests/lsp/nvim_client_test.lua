-- The Neovim client (extensions/nvim) against `seek lsp --no-daemon` in headless Neovim
-- 0.7: a Python buffer attaches on open, a suggestion at the cursor appears as ghost text
-- (only the part not typed yet), accepting it writes the line and moves the cursor, and
-- seek/status answers through the client.
--   SEEK_BIN=build/seek SEEK_SOURCE=. nvim --headless -u NONE -i NONE -n -c 'luafile tests/lsp/nvim_client_test.lua'
local ok, err = pcall(function()
  vim.opt.runtimepath:append(os.getenv("SEEK_SOURCE") .. "/extensions/nvim")
  local seek = require("seek")
  seek.setup({ cmd = { os.getenv("SEEK_BIN"), "lsp", "--no-daemon" } })
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, "p")
  local file = dir .. "/calc.py"
  vim.fn.writefile({ "def area(w, h):", "    return w * h  # 😀 area", "", "def double(x):", "    ret" }, file)
  vim.cmd("edit " .. file)
  local buf = vim.api.nvim_get_current_buf()
  assert(seek.attach(buf), "the buffer attaches")
  local client = seek.client(buf)
  assert(client and client.name == "seek", "a seek client on the buffer")
  assert(vim.wait(10000, function() return client.initialized end), "the server initializes")

  vim.o.virtualedit = "onemore"  -- the cursor after the last character, as in Insert mode
  vim.api.nvim_win_set_cursor(0, { 5, 7 })
  local cursor = vim.api.nvim_win_get_cursor(0)
  local ns = vim.api.nvim_create_namespace("seek")
  seek.request(buf)
  assert(vim.wait(10000, function() return #vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, {}) > 0 end), "ghost text appears")
  local mark = vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, { details = true })[1]
  local ghost = mark[4].virt_text[1][1]
  local typed = ("    ret"):sub(1, cursor[2])
  assert(typed .. ghost == "    return w * h  # 😀 area", "ghost text is the untyped rest: '" .. ghost .. "' at col " .. cursor[2])
  -- <Tab> in Insert mode accepts (through the real mapping: no textlock in the way).
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes("i<Tab><Esc>", true, false, true), "mx", false)
  local line = vim.api.nvim_buf_get_lines(buf, 4, 5, false)[1]
  assert(line == "    return w * h  # 😀 area", "the line after <Tab>: " .. line)
  -- The cursor ended after the insertion; <Esc> then stepped back onto the last character.
  assert(vim.api.nvim_win_get_cursor(0)[2] == #line - 1, "the cursor: " .. vim.api.nvim_win_get_cursor(0)[2])
  assert(#vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, {}) == 0, "no ghost text left")
  assert(not seek.accept(buf), "nothing more to accept")
  -- With nothing to accept, <Tab> is a Tab.
  vim.api.nvim_buf_set_lines(buf, 5, 5, false, { "" })
  vim.api.nvim_win_set_cursor(0, { 6, 0 })
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes("i<Tab><Esc>", true, false, true), "mx", false)
  assert(vim.api.nvim_buf_get_lines(buf, 5, 6, false)[1] == "\t", "a plain Tab: " .. vim.inspect(vim.api.nvim_buf_get_lines(buf, 5, 6, false)))
  local status = seek.status(buf)
  assert(status and status.documents == 1, "seek/status: " .. vim.inspect(status))
  client.stop()
  vim.wait(5000, function() return client.is_stopped() end)
  io.stdout:write("ok: the Neovim client shows, accepts and asks seek/status\n")
end)
if not ok then
  io.stderr:write(tostring(err) .. "\n")
  vim.cmd("cquit 1")
end
vim.cmd("qa!")
