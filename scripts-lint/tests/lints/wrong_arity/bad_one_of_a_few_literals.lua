--! keys: counter
--! args: by, mode
-- `INCR` takes no increment: wrong for one of the two candidates.
local command = ARGV[2] == 'by' and 'INCRBY' or 'INCR'
return redis.call(command, KEYS[1], ARGV[1])
