--! keys: bucket
--! args: now:i64, cost:f64
-- The same bucket with a default for every field it reads.
local rcall = redis.call

local function state(key)
  return rcall('HMGET', key, 'tokens', 'updated', 'name')
end

local fields = state(KEYS[1])
local tokens = tonumber(fields[1] or 10)
local label = 'bucket ' .. (fields[3] or '')
local updated = tonumber(fields[2]) or tonumber(ARGV[1])
local elapsed = tonumber(ARGV[1]) - updated
if fields[1] == false then
  tokens = 10
end
if tokens - tonumber(ARGV[2]) < 0 then
  return {0, elapsed, label}
end
rcall('HSET', KEYS[1], 'tokens', tokens - tonumber(ARGV[2]), 'updated', ARGV[1])
return {1, elapsed, label}
