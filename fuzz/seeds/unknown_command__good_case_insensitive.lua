--! keys: h
redis.call('hgetall', KEYS[1])
return redis.call('Object', 'encoding', KEYS[1])
