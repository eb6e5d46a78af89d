#!lua flags=no-writes
--! keys: k
return redis.call('GET', KEYS[1])
