--! keys: counter, board, events
--! args: member
local n = tonumber(redis.call('GET', KEYS[1]))
local doubled = n * 2
local lowest = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')[2]
if tonumber(lowest) > 10 then
  return -1
end
redis.call('XADD', KEYS[3], '*', 'msg', 'member ' .. redis.call('HGET', KEYS[2], ARGV[1]))
return doubled
