--! keys: log
--! args: name, suffix
local name = ARGV[1]:lower()
local label = name .. ':' .. ARGV[2]
redis.call('RPUSH', KEYS[1], label, string.upper(ARGV[2]), #ARGV[1])
return label
