--! keys: from, to
return redis.call('GET', KEYS[1])
