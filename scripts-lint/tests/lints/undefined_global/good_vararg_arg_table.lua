--! keys: log
--! args: event, fields..
-- Old Lua 5.1 code reads a vararg function's extra arguments from `arg`, the local
-- table Lua 5.1 declares for it (as Redis builds it); `arg` outside such a function
-- is an undefined global.
local function line(...)
  local parts = { tostring(arg.n) }
  for i = 1, arg.n do
    parts[#parts + 1] = tostring(arg[i])
  end
  return table.concat(parts, ' ')
end

return redis.call('RPUSH', KEYS[1], line(ARGV[1], ARGV[2]))
