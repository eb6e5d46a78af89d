--! keys: lock
if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.error_reply('BUSY lock held')
end
if redis.call('TTL', KEYS[1]) == -1 then
    return redis.error_reply('-TRYAGAIN no expiry yet')
end
return redis.call('SET', KEYS[1], '1', 'PX', 1000)
