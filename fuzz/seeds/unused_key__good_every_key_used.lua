--! keys: from, to
--! args: amount
local amount = tonumber(ARGV[1])
redis.call('DECRBY', KEYS[1], amount)
return redis.call('INCRBY', KEYS[2], amount)
