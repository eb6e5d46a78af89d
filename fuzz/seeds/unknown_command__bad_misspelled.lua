--! keys: h
redis.call('HGETLL', KEYS[1])
return redis.call('OBJECT', 'ENCODNG', KEYS[1])
