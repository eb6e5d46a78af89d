--! keys: session
--! args: ttl:i64
--! min_version: 7.4
redis.call('HSET', KEYS[1], 'token', 'x')
return redis.call('HEXPIRE', KEYS[1], ARGV[1], 'FIELDS', 1, 'token')
