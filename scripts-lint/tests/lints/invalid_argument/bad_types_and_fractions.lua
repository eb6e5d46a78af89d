--! keys: session, copy, tags
--! args: ttl_ms:i64
redis.call('SET', KEYS[1], {1, 2})
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]) / 1000)
redis.call('SET', KEYS[2], redis.call('GET', KEYS[1]))
redis.call('SADD', KEYS[3], true)
redis.call('SET', KEYS[2], 'x', 'PX', tonumber(ARGV[1]) * 1.5)
return 1
