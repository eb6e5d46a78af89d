--! keys: lock  args: token, ttl_ms:integer  returns: integer
-- Takes a lock, or extends it for its owner.
local current = redis.call('GET', KEYS[1])
if current == nil then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2] * 2)
  return 1
end
return 0
