--! keys: k
-- Lua 5.2+ names, with their Lua 5.1 spelling
local header = string.pack('>I4', 1)
redis.call('SET', KEYS[1], header)
return table.unpack({1, 2})
