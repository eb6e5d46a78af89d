--! keys: k
redis.call('PUBLISH', 'channel', 'hello')
return redis.call('INCR', KEYS[1])
