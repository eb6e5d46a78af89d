--! keys: counter
local function bump(key) return redis.call('INCR', key) end
bump(KEYS[1])
return bump('totals')
