--! keys: k
if redis.call('EXISTS', KEYS[1]) == 0 then
    return {err = 'NOSCRIPT missing'}
end
if redis.call('TYPE', KEYS[1]).ok ~= 'string' then
    return {['err'] = 'CROSSSLOT'}
end
error({err = "MOVED 1 127.0.0.1:7000"})
