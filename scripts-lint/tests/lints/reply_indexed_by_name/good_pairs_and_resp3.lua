--! keys: job, config
--! returns: String
-- HGETALL walked in pairs, and map access after switching to RESP3.
local job = redis.call('HGETALL', KEYS[1])
local fields = {}
for i = 1, #job, 2 do
  fields[job[i]] = job[i + 1]
end
if fields.state == 'done' then
  return fields.result
end
redis.setresp(3)
local config = redis.call('HGETALL', KEYS[2])
return config.map.owner
