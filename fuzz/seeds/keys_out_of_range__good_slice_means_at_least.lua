--! keys: first, rest..
return redis.call('MGET', KEYS[1], KEYS[2], KEYS[5])
