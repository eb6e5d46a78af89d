--! keys: board, ttl_key
--! args: score, member, ttl
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
redis.call('ZUNIONSTORE', KEYS[1], 2, KEYS[1], KEYS[2], 'AGGREGATE', 'MAX')
return redis.call('XADD', KEYS[1], '*', 'member', ARGV[2])
