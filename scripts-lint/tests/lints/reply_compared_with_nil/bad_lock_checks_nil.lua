--! keys: lock, owners
--! args: token, ttl:i64
-- A lock written with `== nil`: Redis hands a script `false` for a missing key, so
-- none of these tests is ever true (or ever false, for `~=`).
local function holder(key)
  return redis.call('GET', key)
end

local current = holder(KEYS[1])
if current == nil then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if redis.call('HGET', KEYS[2], ARGV[1]) ~= nil then
  return 2
end
if nil == redis.call('LINDEX', KEYS[2], 0) then
  return 3
end
return 0
