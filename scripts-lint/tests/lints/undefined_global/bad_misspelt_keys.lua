--! keys: k
-- `KEY` for `KEYS`: one finding, not a second one saying the key is not from `KEYS`
return redis.call('INCR', KEY[1])
