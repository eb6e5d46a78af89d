--! returns: Json<Summary>
--! keys: k
local entries = redis.call('LRANGE', KEYS[1], 0, -1)
return cjson.encode({ count = #entries })
