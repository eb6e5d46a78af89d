--! keys: bucket
--! args: now, window, limit
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, now .. '-' .. math.random(1000000))
  redis.call('PEXPIRE', KEYS[1], window)
  return 1
end
return 0
