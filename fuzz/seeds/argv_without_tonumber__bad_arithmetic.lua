--! keys: keys..
--! args: amount
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
return current + ARGV[1]
