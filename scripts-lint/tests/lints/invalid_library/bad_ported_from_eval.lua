#!lua name=limits
--! function take: keys: bucket  args: capacity:integer, refill_per_s:number, now_ms:integer  returns: integer
--! function peek: keys: bucket  returns: integer

-- A token bucket ported from an EVAL script: the habits of scripts (caching globals
-- at the top, reading the clock, a helper that calls Redis) break a library's load.
local floor = math.floor
local min = math.min
local now = redis.call('TIME')

local function tokens(bucket, capacity, refill, at)
  local state = redis.call('HMGET', bucket, 'tokens', 'at')
  local have = tonumber(state[1]) or capacity
  local since = tonumber(state[2]) or at
  return min(capacity, have + floor((at - since) * refill / 1000))
end

local function take(keys, args)
  local capacity = tonumber(args[1])
  local refill = tonumber(args[2])
  local at = tonumber(args[3])
  local have = tokens(keys[1], capacity, refill, at)
  if have < 1 then
    return 0
  end
  redis.call('HSET', keys[1], 'tokens', have - 1, 'at', at)
  redis.call('PEXPIRE', keys[1], 60000)
  return 1
end

local function peek(keys)
  return tonumber(redis.call('HGET', keys[1], 'tokens') or '0')
end

redis.register_function('take', take)
redis.register_function{function_name = 'peek', callback = peek, flags = {'read-only'}}
