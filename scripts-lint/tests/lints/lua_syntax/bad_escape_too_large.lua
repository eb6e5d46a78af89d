--! keys: prices
-- A decimal escape takes up to three digits and stops at 255: `\8364` was meant to
-- be the euro sign's code point.
local symbol = '\8364'
return redis.call('HSET', KEYS[1], 'symbol', symbol)
