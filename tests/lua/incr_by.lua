-- Adds ARGV[1] to the counter at KEYS[1] and returns the new value.
local by = tonumber(ARGV[1])
return redis.call('INCRBY', KEYS[1], by)
