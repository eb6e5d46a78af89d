--! keys: dest, a
redis.call('ZUNIONSTORE', KEYS[1], 2, KEYS[2], 'other', 'WEIGHTS', 1, 2)
return redis.call('XREAD', 'COUNT', 1, 'STREAMS', 'events', '0')
