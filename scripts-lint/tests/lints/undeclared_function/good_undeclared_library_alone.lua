#!lua name=counters
-- no declarations at all: a library linted on its own, each function checked alone

local function incr(keys, args)
  return redis.call('INCRBY', keys[1], args[1])
end

redis.register_function('incr', incr)
redis.register_function{function_name = 'audit', flags = {'no-writes'},
  callback = function(keys) return redis.call('GET', keys[1]) end}
