--! keys: lock, counters
--! args: token, ttl:i64
-- The ways to test for a missing key that work: `not`, `== false`, and `nil` after
-- `tonumber` (which turns `false` into `nil`).
local current = redis.call('GET', KEYS[1])
if not current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if current == false then
  return 0
end
local count = tonumber(redis.call('HGET', KEYS[2], ARGV[1]))
if count == nil then
  count = 0
end
return count + 1
