#!lua flags=no-writes
--! keys: k
redis.call('SET', KEYS[1], 'x')
return redis.call('GET', KEYS[1])
