--! keys: k
-- Lua 5.1 reads `0x1p4` through C's strtod; this one needs 54 bits
return redis.call('INCRBY', KEYS[1], 0x20000000000001p1)
