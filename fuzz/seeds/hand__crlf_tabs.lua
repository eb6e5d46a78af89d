--! keys: k
local x = KEYS[1]
	if x then
		return redis.call('GET', x)
	endreturn nil
