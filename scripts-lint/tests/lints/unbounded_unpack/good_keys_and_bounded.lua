--! keys: source, target, ids, rest..
-- unpack of KEYS, of a table built with a bounded loop, of a bounded reply, and in
-- chunks.
redis.call('DEL', unpack(KEYS))
local picked = {}
for i = 1, 10 do
  picked[#picked + 1] = 'slot' .. i
end
redis.call('SADD', KEYS[2], unpack(picked))
local first = redis.call('LRANGE', KEYS[3], 0, 99)
if #first > 0 then
  redis.call('SADD', KEYS[2], unpack(first))
end
local all = redis.call('SMEMBERS', KEYS[1])
for i = 1, #all, 1000 do
  redis.call('SADD', KEYS[2], unpack(all, i, math.min(i + 999, #all)))
end
return #all
