#!lua name=counters
--! function incr: keys: counter  args: by:integer  returns: integer
--! function clear: keys: counter  returns: integer

local function incr(keys, args)
  return redis.call('INCRBY', keys[1], args[1])
end

redis.register_function('incr', incr)
redis.register_function('clear', function(keys) return redis.call('DEL', keys[1]) end)
