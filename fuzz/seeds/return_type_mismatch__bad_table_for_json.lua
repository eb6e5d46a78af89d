--! returns: Json<Stock>
--! keys: stock
return { count = tonumber(redis.call('GET', KEYS[1]) or '0') }
