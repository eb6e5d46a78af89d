--! keys: counter, board, events
--! args: member
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
local doubled = n * 2
local lowest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')[2]
if lowest and tonumber(lowest) > 10 then
  return -1
end
local name = redis.call('HGET', KEYS[2], ARGV[1])
if name then
  redis.call('XADD', KEYS[3], '*', 'msg', 'member ' .. name)
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return doubled + now
