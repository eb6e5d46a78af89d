--! keys: queue
--! args: job_id, mode
-- Each candidate of a command chosen from literals is checked: the misspelled one is
-- reported, the other one is not.
local push = ARGV[2] == 'lifo' and 'RPUSH' or 'LPUHS'
redis.call(push, KEYS[1], ARGV[1])
return redis.call('LLEN', KEYS[1])
