--! keys: session, copy, board
--! args: ttl_ms:i64, member
redis.call('SET', KEYS[1], 'token')
redis.call('EXPIRE', KEYS[1], math.floor(tonumber(ARGV[1]) / 1000))
local value = redis.call('GET', KEYS[1])
if value then
  redis.call('SET', KEYS[2], value)
end
redis.call('SET', KEYS[2], redis.call('GET', KEYS[1]) or '')
-- scores and increments may have fractions
redis.call('ZADD', KEYS[3], tonumber(ARGV[1]) / 3, ARGV[2])
redis.call('ZINCRBY', KEYS[3], 0.5, ARGV[2])
redis.call('INCRBYFLOAT', KEYS[2], 1.25)
return 1
