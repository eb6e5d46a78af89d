--! keys: bucket
--! args: now:i64, cost:f64
-- A token bucket that reads its state with `HMGET` and uses the fields as if the
-- hash always had them: a field that is missing is `false` (and `tonumber` of it
-- `nil`), so the first call on a new bucket raises. Warnings: the script may always
-- create the hash first.
local rcall = redis.call

local function state(key)
  return rcall('HMGET', key, 'tokens', 'updated', 'name')
end

local fields = state(KEYS[1])
-- cell: element of `HMGET`, arithmetic after `tonumber`
local tokens = tonumber(fields[1]) + 1
-- cell: element of `HMGET` in a local, `..`
local label = 'bucket ' .. fields[3]
-- cell: element of `HMGET` through `unpack`, arithmetic
local _, updated = unpack(rcall('HMGET', KEYS[1], 'tokens', 'updated'))
local elapsed = ARGV[1] - updated
if tokens - ARGV[2] < 0 then
  return {0, elapsed, label}
end
rcall('HSET', KEYS[1], 'tokens', tokens - ARGV[2], 'updated', ARGV[1])
return {1, elapsed, label}
