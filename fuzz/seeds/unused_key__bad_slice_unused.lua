--! keys: main, extra..
return redis.call('GET', KEYS[1])
