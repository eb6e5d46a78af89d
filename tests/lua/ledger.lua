#!lua name=ledger
-- A ledger: entries appended once each, a balance per account, reads on replicas.

local function balance_of(key)
  return tonumber(redis.call('GET', key) or '0')
end

-- Records entry `args[1]` of `args[2]` on account `keys[1]` (entries `keys[2]`):
-- the new balance.
local function record(keys, args)
  redis.call('HSET', keys[2], args[1], args[2])
  return redis.call('INCRBY', keys[1], args[2])
end

local function balance(keys)
  return balance_of(keys[1])
end

local function entries(keys)
  return redis.call('HLEN', keys[1])
end

local function fail(keys, args)
  if args[1] == 'raise' then
    error('refused: ' .. args[1])
  end
  return redis.error_reply('LEDGER_CLOSED the ledger is closed')
end

redis.register_function('record', record)
redis.register_function{function_name = 'balance', callback = balance, flags = {'no-writes'}}
redis.register_function{function_name = 'entries', callback = entries, flags = {'no-writes'}}
redis.register_function('fail', fail)
