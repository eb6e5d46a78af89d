--! keys: session
--! args: ttl:i64
-- `HEXPIRE` arrived in Redis 7.4; the default `min_version` is 7.0.
redis.call('HSET', KEYS[1], 'token', 'x')
return redis.call('HEXPIRE', KEYS[1], ARGV[1], 'FIELDS', 1, 'token')
