#!lua name=limits
--! function take: keys: bucket  args: capacity:integer, refill:number, now_ms:integer  returns: integer
--! function peek: keys: bucket  returns: integer
--! function reset: keys: bucket  returns: integer

-- A rate limiter whose registrations go through a helper and a table of
-- functions; each registration has an argument of a type Redis refuses.
local api = {}

local function rcall(...)
  return redis.call(...)
end

local function state(bucket)
  local fields = rcall('HMGET', bucket, 'tokens', 'at')
  return tonumber(fields[1]), tonumber(fields[2])
end

function api.take(keys, args)
  local capacity = tonumber(args[1])
  local refill = tonumber(args[2])
  local now = tonumber(args[3])
  if not capacity or not refill or not now then
    return redis.error_reply('ERR bad arguments')
  end
  local tokens, at = state(keys[1])
  tokens = tokens or capacity
  at = at or now
  tokens = math.min(capacity, tokens + math.floor((now - at) * refill / 1000))
  if tokens < 1 then
    return 0
  end
  rcall('HSET', keys[1], 'tokens', tokens - 1, 'at', now)
  rcall('PEXPIRE', keys[1], 60000)
  return 1
end

function api.peek(keys)
  local tokens = state(keys[1])
  return tokens or 0
end

function api.reset(keys)
  return rcall('DEL', keys[1])
end

local function expose(name, read_only)
  local flags = nil
  if read_only then
    -- a string where Redis wants a table of strings
    flags = 'no-writes'
  end
  redis.register_function{function_name = name, callback = api[name], flags = flags}
end

expose('take', false)
expose('peek', true)
-- the callback's name where the function belongs
redis.register_function('reset', 'reset')
-- a flag of scripts (`#!lua flags=`), not of functions
redis.register_function{function_name = 'take_all', callback = api.take, flags = {'no-writes', 'no-cluster', 'allow-cross-slot'}}
