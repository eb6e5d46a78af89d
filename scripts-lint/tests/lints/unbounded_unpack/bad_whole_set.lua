--! keys: source, target, ids
redis.call('SADD', KEYS[2], unpack(redis.call('SMEMBERS', KEYS[1])))
local ids = redis.call('LRANGE', KEYS[3], 0, -1)
return redis.call('DEL', unpack(ids))
