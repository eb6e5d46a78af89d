--! keys: queue, done, events
-- Redis 7.0 (the default `min_version`) refuses blocking commands inside scripts;
-- 7.2 and later run them without blocking.
local job = redis.call('BLMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT', 5)
redis.call('XREAD', 'COUNT', 1, 'BLOCK', 100, 'STREAMS', KEYS[3], '$')
return job
