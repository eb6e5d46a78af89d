--! keys: lock, owners, counter
--! args: token, ttl:i64, mode
-- A lock library written the way such libraries are: small helpers that pick,
-- return and forward keys, called with different keys from different places.
-- Each call returns what that call passed, however many helpers it goes through.
local rcall = redis.call

local function pick(first, second)
  if ARGV[3] == 'second' then
    return second
  end
  return first
end

local function both(a, b)
  return a, b
end

local function same(k)
  return k
end

local function via(k)
  return same(same(k))
end

local function optional(k)
  if ARGV[3] == 'none' then
    return nil
  end
  return k
end

local function touch(k)
  return rcall('PEXPIRE', k, ARGV[2])
end

local lock = pick(KEYS[1], KEYS[2])
local owners, counter = both(KEYS[2], KEYS[3])
local again = via(KEYS[1])

local holder = rcall('GET', lock)
if holder and holder ~= ARGV[1] then
  return 0
end

rcall('SET', again, ARGV[1], 'PX', ARGV[2])
rcall('SADD', owners, ARGV[1])
rcall('INCR', counter)

-- nil on one path: every use is guarded
local extra = optional(KEYS[3])
if extra then
  touch(extra)
end
local _ = extra and touch(extra)
if not extra then
  return 1
end
rcall('PERSIST', extra)

local maybe = ARGV[3] ~= '' and KEYS[2] or nil
if maybe == nil then
  return 1
end
touch(maybe)
return 1
