--! keys: bucket(prefix)
--! args: now, window, limit, cost, *ids
-- A sliding-window limiter as libraries write it: arithmetic on ARGV strings works in
-- Lua 5.1 (a numeric string converts as `tonumber` would) and is a warning; a
-- comparison of an ARGV string with a number raises or compares as strings, an error.
local rcall = redis.call
local bucket = KEYS[1]

local function key(suffix)
  return bucket .. ':' .. suffix
end

local function trim(zset, now, window)
  -- `now - window` converts both strings: works, a warning
  return rcall('ZREMRANGEBYSCORE', zset, '-inf', now - window)
end

local function used(zset)
  local n = rcall('ZCARD', zset)
  if not n then
    return 0
  end
  return n
end

local now = ARGV[1]
local window = ARGV[2]
local limit = tonumber(ARGV[3])
local cost = ARGV[4]
if not limit then
  return redis.error_reply('ERR limit must be a number')
end

local zset = key('window')
trim(zset, now, window)

-- converted once: no finding
local current = used(zset)
if current + 1 > limit then
  return {0, current}
end

-- `cost` is still the string: a comparison with a number raises in Lua 5.1
if cost > 0 then
  for i = 1, cost do
    rcall('ZADD', zset, now, ARGV[4 + i] or (now .. ':' .. i))
  end
end
rcall('PEXPIRE', zset, window * 1000)

local members = {}
for i = 5, #ARGV do
  members[#members + 1] = ARGV[i]
end
if #members > 0 then
  rcall('SADD', key('ids'), unpack(members))
end
return {1, current + cost}
