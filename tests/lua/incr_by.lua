-- Adds ARGV[1] to the counter at KEYS[1] and returns the new value.
-- ARGV[1] goes to INCRBY as the string the caller sent: Redis parses it exactly,
-- where `tonumber` would round integers beyond 2^53.
return redis.call('INCRBY', KEYS[1], ARGV[1])
