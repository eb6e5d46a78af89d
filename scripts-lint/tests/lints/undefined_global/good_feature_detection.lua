--! keys: members, seen
--! args: ids..
-- Scripts shared between Lua versions detect features instead of assuming them: a
-- missing library member read as a test is `nil` in Redis, not an error.
local unpack_ = table.unpack or unpack
local pack = table.pack or function(...)
  return { n = select('#', ...), ... }
end
local has_bit = bit and bit.band

local function sadd_all(key, ids)
  local chunk = {}
  for i = 1, #ids do
    chunk[#chunk + 1] = ids[i]
    if #chunk == 1000 then
      redis.call('SADD', key, unpack_(chunk))
      chunk = {}
    end
  end
  if #chunk > 0 then
    redis.call('SADD', key, unpack_(chunk))
  end
end

sadd_all(KEYS[1], ARGV)

if table.move then
  redis.log(redis.LOG_NOTICE, 'running on a newer Lua')
end
if type(table.unpack) == 'function' then
  redis.log(redis.LOG_NOTICE, 'table.unpack exists')
end

local packed = pack(1, 2, 3)
local flags = has_bit and bit.bor(1, 2) or 3
redis.call('SADD', KEYS[2], (table.unpack or unpack)(KEYS))
return { packed.n, flags, redis.call('SCARD', KEYS[1]) }
