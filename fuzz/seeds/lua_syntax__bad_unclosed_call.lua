--! keys: keys..
return redis.call('GET', KEYS[1]
