--! keys: k
return redis.call('INCRBY', KEYS[1], 9007199254740993)
