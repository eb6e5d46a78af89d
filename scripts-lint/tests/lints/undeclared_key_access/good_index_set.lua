--! keys: index, list
local sessions = redis.call('SMEMBERS', KEYS[1])
local sorted = redis.call('SORT', KEYS[2], 'BY', 'nosort', 'GET', '#')
return #sessions + #sorted
