--! args: user
local key = 'user:' .. ARGV[1]
return redis.call('HGETALL', key)
