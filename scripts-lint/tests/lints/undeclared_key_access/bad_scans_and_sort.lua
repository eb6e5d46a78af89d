--! keys: list
--! args: pattern
local found = redis.call('KEYS', ARGV[1])
local cursor = redis.call('SCAN', 0, 'MATCH', 'session:*')
local sorted = redis.call('SORT', KEYS[1], 'BY', 'weight_*', 'GET', 'object_*')
return #found + #cursor + #sorted
