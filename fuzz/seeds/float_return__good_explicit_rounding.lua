--! keys: total, count
local total = tonumber(redis.call('GET', KEYS[1]) or '0')
local count = tonumber(redis.call('GET', KEYS[2]) or '1')
if count == 0 then return tostring(0.5) end
return math.floor(total / count)
