--! deny: nondeterministic_command
--! keys: set
local now = redis.call('TIME')
return redis.call('SPOP', KEYS[1])
