--! keys: k
--! args: op
local command = 'INCR'
if ARGV[1] == 'decr' then return redis.call('DECR', KEYS[1]) end
return redis.call(command, KEYS[1])
