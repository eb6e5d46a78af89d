--! keys: primary
--! args: fallback
local key = KEYS[1]
if ARGV[1] == 'yes' then key = 'fallback' end
return redis.call('GET', key)
