-- héllo ✓ 🚀
local s = 'ünïcödé 🚀'
return redis.call('SET', KEYS[1], s) -- ✓
