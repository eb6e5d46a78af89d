--! keys: lock, job, previous
--! args: token
local taken = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', 30000)
if taken then
  redis.call('HSET', KEYS[2], 'owner', ARGV[1])
end
local res = redis.call('SET', KEYS[1], ARGV[1], 'XX')
if res and res.ok == 'OK' then
  redis.call('PEXPIRE', KEYS[1], 30000)
end
if redis.call('TYPE', KEYS[2]).ok ~= 'hash' then
  return redis.error_reply('ERR job is not a hash')
end
-- with GET, SET replies the old value: a string
if redis.call('SET', KEYS[3], ARGV[1], 'GET') == ARGV[1] then
  return 0
end
return 1
