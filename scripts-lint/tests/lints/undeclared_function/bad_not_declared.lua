#!lua name=counters
--! function incr: keys: counter  args: by:integer  returns: integer

local function incr(keys, args)
  return redis.call('INCRBY', keys[1], args[1])
end

local function audit(keys)
  return redis.call('GET', keys[1])
end

redis.register_function('incr', incr)
redis.register_function{function_name = 'audit', callback = audit, flags = {'no-writes'}}
