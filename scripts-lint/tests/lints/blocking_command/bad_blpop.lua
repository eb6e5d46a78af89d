--! min_version: 7.4
--! keys: queue, stream
redis.call('XREAD', 'BLOCK', 100, 'STREAMS', KEYS[2], '$')
return redis.call('BLPOP', KEYS[1], 5)
