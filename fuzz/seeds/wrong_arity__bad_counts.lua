--! keys: a, b
redis.call('GET', KEYS[1], KEYS[2])
redis.call('SET', KEYS[1])
return redis.call('INCR')
