#!lua name=ledger
-- Account balances as one function library: deposits, transfers with a daily limit,
-- and a read of the balance. Each function gets its keys and arguments as its
-- callback's two parameters.

local function rcall(...)
  return redis.call(...)
end

-- The balance of the account at `keys[1]`, 0 when it has none yet (every function
-- reads it through here).
local function balance(keys)
  return tonumber(rcall('HGET', keys[1], 'balance') or '0')
end

local function stamp(account, now)
  rcall('HSET', account, 'updated_at', now)
end

-- Adds `args[1]` to the balance: the new balance.
local function deposit(keys, args)
  local amount = tonumber(args[1])
  if not amount or amount <= 0 then
    return redis.error_reply('ERR the amount must be positive')
  end
  local total = rcall('HINCRBY', keys[1], 'balance', args[1])
  stamp(keys[1], args[2])
  return total
end

-- Moves `args[1]` from `keys[1]` to `keys[2]` unless the day's total at `keys[3]`
-- would pass `args[2]`: 1 when done, 0 when the balance is short, -1 past the limit.
local function transfer(keys, args)
  local amount = tonumber(args[1])
  local limit = tonumber(args[2])
  if balance(keys) < amount then
    return 0
  end
  local today = tonumber(rcall('GET', keys[3]) or '0')
  if today + amount > limit then
    return -1
  end
  -- `args[1]` itself: Redis parses it exactly, where `tonumber` rounds past 2^53
  rcall('HINCRBY', keys[1], 'balance', '-' .. args[1])
  rcall('HINCRBY', keys[2], 'balance', args[1])
  rcall('INCRBY', keys[3], args[1])
  rcall('EXPIRE', keys[3], 86400)
  stamp(keys[1], args[3])
  stamp(keys[2], args[3])
  return 1
end

local function read_balance(keys)
  return balance(keys)
end

redis.register_function('deposit', deposit)
redis.register_function('transfer', transfer)
redis.register_function{function_name = 'balance', callback = read_balance, flags = {'no-writes'}}
