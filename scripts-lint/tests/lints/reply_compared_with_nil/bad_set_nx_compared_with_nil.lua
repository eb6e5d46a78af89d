--! keys: lock
--! args: token, ttl:i64
-- `SET ... NX` replies null when the key exists: `~= nil` takes the lock every time.
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) ~= nil then
  return 1
end
return 0
