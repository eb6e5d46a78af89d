-- moves a job between two lists, and stamps it
local moved = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
if not moved then return 0 end
redis.call('HSET', KEYS[3], 'moved', ARGV[1])
return 1
