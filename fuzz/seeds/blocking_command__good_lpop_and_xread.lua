--! keys: queue, stream
redis.call('XREAD', 'COUNT', 10, 'STREAMS', KEYS[2], '0')
return redis.call('LPOP', KEYS[1])
