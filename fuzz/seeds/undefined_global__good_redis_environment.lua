--! keys: k
--! args: data
local decoded = cjson.decode(ARGV[1])
local packed = struct.pack('>I', 7)
local bits = bit.band(7, 3)
redis.log(redis.LOG_NOTICE, 'version ' .. redis.REDIS_VERSION)
local ok, err = pcall(function() return redis.call('GET', KEYS[1]) end)
redis.setresp(2)
return { type(decoded), string.format('%d', bits), #packed, tostring(ok), table.concat({ 'a', 'b' }, ','), redis.sha1hex('x') }
