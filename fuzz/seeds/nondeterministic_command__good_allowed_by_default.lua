--! keys: set
local now = redis.call('TIME')
return redis.call('SRANDMEMBER', KEYS[1])
