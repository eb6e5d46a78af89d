-- Neovim 0.7's own LSP client against `redis-lua-lint lsp`, run headless by
-- tests/nvim.rs: what a user sees, read through the client's API. Every wait polls
-- with a deadline; a failure exits with status 1 and says what was missing.

local server = os.getenv('REDIS_LUA_LINT')
local queue = os.getenv('QUEUE_DIR')
local crate = os.getenv('CRATE_DIR')
local scratch = os.getenv('SCRATCH_DIR')
local deadline_ms = 60000

local function fail(message)
  io.stderr:write('FAIL: ' .. message .. '\n')
  vim.cmd('cquit 1')
end

local function wait_for(what, predicate)
  local ok = vim.wait(deadline_ms, predicate, 20)
  if not ok then fail('no ' .. what) end
end

local function start(root)
  local id = vim.lsp.start_client({
    cmd = { server, 'lsp' },
    root_dir = root,
    init_options = { debounceMs = 20 },
  })
  if not id then fail('the client did not start') end
  return id
end

local function open(path, client)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'lua'
  vim.lsp.buf_attach_client(buf, client)
  return buf
end

local function diagnostics(buf, code)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then table.insert(found, d) end
  end
  return found
end

local function request(buf, method, params)
  local responses = vim.lsp.buf_request_sync(buf, method, params, deadline_ms)
  for _, response in pairs(responses or {}) do
    if response.result then return response.result end
  end
  fail('no answer to ' .. method)
end

local function main()
-- 1. A BullMQ-style script with a bug: the finding at its line and column
local client = start(queue)
local buf = open(queue .. '/moveToActive-3.lua', client)
wait_for('argv_without_tonumber', function() return #diagnostics(buf, 'argv_without_tonumber') == 1 end)
local bug = diagnostics(buf, 'argv_without_tonumber')[1]
if bug.lnum ~= 30 or bug.col ~= 25 then
  fail(('argv_without_tonumber at %d:%d, expected 30:25'):format(bug.lnum, bug.col))
end

-- 2. Hover on redis.call('ZADD': ZADD's reply as a script sees it
local hover = request(buf, 'textDocument/hover', {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = 19, character = 10 },
})
local shown = hover.contents.value
if not (shown:find('**ZADD**', 1, true) and shown:find('`false`', 1, true)) then
  fail('hover on ZADD: ' .. shown)
end

-- 3. Completion after redis.call('HS offers HSET
vim.api.nvim_buf_set_lines(buf, 31, 31, false, { "redis.call('HS" })
local items = request(buf, 'textDocument/completion', {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = 31, character = 14 },
})
local labels = {}
for _, item in ipairs(items.items or items) do labels[item.label] = true end
if not labels.HSET then fail('no HSET among the completions') end
vim.api.nvim_buf_set_lines(buf, 31, 32, false, {})

-- 4. The quick fix for `== nil`, applied, gives a script the checker accepts
local fix_path = scratch .. '/fix.lua'
local file = io.open(fix_path, 'w')
file:write("--! keys: job\nif redis.call('GET', KEYS[1]) == nil then\n  return 0\nend\nreturn 1\n")
file:close()
local fix_buf = open(fix_path, client)
wait_for('reply_compared_with_nil', function() return #diagnostics(fix_buf, 'reply_compared_with_nil') == 1 end)
local finding = diagnostics(fix_buf, 'reply_compared_with_nil')[1]
local actions = request(fix_buf, 'textDocument/codeAction', {
  textDocument = { uri = vim.uri_from_bufnr(fix_buf) },
  range = {
    start = { line = finding.lnum, character = finding.col },
    ['end'] = { line = finding.end_lnum, character = finding.end_col },
  },
  context = { diagnostics = {} },
})
if #actions == 0 or not actions[1].edit then fail('no quick fix') end
vim.lsp.util.apply_workspace_edit(actions[1].edit, 'utf-16')
local line = vim.api.nvim_buf_get_lines(fix_buf, 1, 2, false)[1]
if line ~= "if not redis.call('GET', KEYS[1]) then" then fail('after the fix: ' .. line) end
wait_for('no finding after the fix', function()
  return #vim.diagnostic.get(fix_buf) == 0
end)

-- 5. A .lua file named by #[redis_script(file = ...)]: its Rust signature's finding
local crate_client = start(crate)
local lua_buf = open(crate .. '/lua/move.lua', crate_client)
wait_for('keys_out_of_range', function() return #diagnostics(lua_buf, 'keys_out_of_range') == 1 end)
local out_of_range = diagnostics(lua_buf, 'keys_out_of_range')[1]
if out_of_range.lnum ~= 3 or out_of_range.col ~= 19 then
  fail(('keys_out_of_range at %d:%d, expected 3:19'):format(out_of_range.lnum, out_of_range.col))
end

end

-- a Lua error would leave a headless Neovim waiting: it fails the run too
local ok, err = pcall(main)
if not ok then fail(tostring(err)) end
io.stdout:write('ALL PASSED\n')
vim.cmd('qall!')
