--! read_only
--! keys: k, channel
redis.call('PUBLISH', KEYS[2], 'hello')
return redis.call('GET', KEYS[1])
