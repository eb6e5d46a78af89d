--! keys: counter, board, quota
--! args: member
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 5 then
  return 0
end
local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
if score then
  redis.call('ZADD', KEYS[2], tonumber(score) * 2, ARGV[1])
end
if redis.call('HGET', KEYS[3], 'left') == '0' then
  return -1
end
-- integer replies are numbers already
return redis.call('INCR', KEYS[1]) + redis.call('ZCARD', KEYS[2])
