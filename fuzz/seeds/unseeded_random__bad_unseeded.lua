--! keys: window
--! args: now
local member = ARGV[1] .. '-' .. math.random(1000000)
return redis.call('ZADD', KEYS[1], ARGV[1], member)
