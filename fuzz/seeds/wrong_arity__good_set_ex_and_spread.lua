--! keys: k, rest..
--! args: v, ttl
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', 100, 'NX')
return redis.call('DEL', unpack(KEYS))
