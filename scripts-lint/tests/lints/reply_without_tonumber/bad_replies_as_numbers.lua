--! keys: counter, board, quota
--! args: member
local count = redis.call('GET', KEYS[1])
if count and count > 5 then
  return 0
end
local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
if score then
  redis.call('ZADD', KEYS[2], score * 2, ARGV[1])
end
local left = redis.call('HGET', KEYS[3], 'left')
if left == 0 then
  return -1
end
return 1
