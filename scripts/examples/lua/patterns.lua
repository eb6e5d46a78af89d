#!lua name=patterns
-- The seed patterns as one function library: compare-and-swap, transfer, a lock,
-- a sliding-window rate limiter and a bulk stock reservation. Each function gets its
-- keys and arguments as the callback's two parameters; nothing but registrations
-- runs while the library loads.

local function number(value)
  return tonumber(value or '0')
end

-- Sets `keys[1]` to `args[2]` when it holds `args[1]`: 1, else 0.
local function compare_and_swap(keys, args)
  if redis.call('GET', keys[1]) == args[1] then
    redis.call('SET', keys[1], args[2])
    return 1
  end
  return 0
end

-- Moves `args[1]` from `keys[1]` to `keys[2]`: 1, or -1 when funds are short.
local function transfer(keys, args)
  local amount = tonumber(args[1])
  if number(redis.call('GET', keys[1])) < amount then
    return -1
  end
  -- `args[1]` itself: Redis parses it exactly, where `tonumber` rounds past 2^53
  redis.call('DECRBY', keys[1], args[1])
  redis.call('INCRBY', keys[2], args[1])
  return 1
end

local function acquire_lock(keys, args)
  if redis.call('SET', keys[1], args[1], 'NX', 'PX', args[2]) then
    return 1
  end
  return 0
end

local function release_lock(keys, args)
  if redis.call('GET', keys[1]) == args[1] then
    return redis.call('DEL', keys[1])
  end
  return 0
end

-- Admits a request when fewer than `args[3]` came in the last `args[2]` ms.
local function rate_limit(keys, args)
  local now = tonumber(args[1])
  local window = tonumber(args[2])
  local limit = tonumber(args[3])
  redis.call('ZREMRANGEBYSCORE', keys[1], '-inf', now - window)
  if redis.call('ZCARD', keys[1]) < limit then
    redis.call('ZADD', keys[1], now, args[4])
    redis.call('PEXPIRE', keys[1], window)
    return 1
  end
  return 0
end

-- Takes `args[1]` of every item, or none when one has too few: 1 or 0.
local function reserve_stock(keys, args)
  local quantity = tonumber(args[1])
  for _, item in ipairs(keys) do
    if number(redis.call('GET', item)) < quantity then
      return 0
    end
  end
  for _, item in ipairs(keys) do
    redis.call('DECRBY', item, args[1])
  end
  return 1
end

local function stock(keys)
  local counts = redis.call('MGET', unpack(keys))
  local total = 0
  for i = 1, #counts do
    total = total + number(counts[i])
  end
  return total
end

redis.register_function('compare_and_swap', compare_and_swap)
redis.register_function('transfer', transfer)
redis.register_function('acquire_lock', acquire_lock)
redis.register_function('release_lock', release_lock)
redis.register_function('rate_limit', rate_limit)
redis.register_function('reserve_stock', reserve_stock)
redis.register_function{function_name = 'stock', callback = stock, flags = {'no-writes'}}
