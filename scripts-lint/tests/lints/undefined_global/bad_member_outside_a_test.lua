--! keys: members
--! args: ids..
-- Outside a test, a missing member is still an error: calling it fails.
local unpack_ = table.unpack
redis.call('SADD', KEYS[1], unpack_(ARGV))
if table.pack then
  -- the test guards nothing once the member is used without one
  return table.unpack(ARGV)
end
return redis.call('SCARD', KEYS[1])
