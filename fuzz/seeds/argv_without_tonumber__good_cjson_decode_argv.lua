--! keys: doc
--! args: payload
local doc = cjson.decode(ARGV[1])
local packed = cmsgpack.pack(doc)
redis.call('SET', KEYS[1], packed)
return doc.version
