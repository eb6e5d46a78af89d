--! keys: lock, job
--! args: token
-- Status replies are tables in a script: `{ok = 'OK'}`, `{ok = 'hash'}`.
local taken = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', 30000)
if taken == 'OK' then
  redis.call('HSET', KEYS[2], 'owner', ARGV[1])
end
if redis.call('TYPE', KEYS[2]) ~= 'hash' then
  return redis.error_reply('ERR job is not a hash')
end
return 1
