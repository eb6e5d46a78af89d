--! keys: window
-- Numbers as other languages write them: Lua 5.1 reads a number up to the first
-- character that cannot continue it, so `1_000` is one malformed token, and so is
-- the hexadecimal float with a negative exponent (`0x1p-4`; `0x1p4` is fine).
local ttl = 1_000
local fraction = 0x1p-4
local limit = 0x1p4
return redis.call('PEXPIRE', KEYS[1], ttl * fraction * limit)
