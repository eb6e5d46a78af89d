--! keys: a, b, c
return redis.call('DEL', unpack(KEYS))
