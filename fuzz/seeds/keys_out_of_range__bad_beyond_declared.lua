--! keys: from, to
redis.call('GET', KEYS[1])
redis.call('GET', KEYS[2])
return redis.call('GET', KEYS[3])
