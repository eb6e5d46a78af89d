--! keys: only
return redis.call('GET', KEYS[0]) or redis.call('GET', KEYS[1])
