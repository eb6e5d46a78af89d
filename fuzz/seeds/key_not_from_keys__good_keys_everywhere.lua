--! keys: a, b, rest..
local rcall = redis.call
local first = KEYS[1]
rcall('SET', first, 'x')
for _, key in ipairs(KEYS) do redis.call('EXPIRE', key, 60) end
for i = 2, #KEYS do redis.call('PERSIST', KEYS[i]) end
redis.call('DEL', unpack(KEYS))
local function touch(key) return redis.call('TOUCH', key) end
touch(KEYS[2])
local keys = {KEYS[1], KEYS[2]}
for _, key in ipairs(keys) do redis.call('TYPE', key) end
return redis.call('MGET', KEYS[1], KEYS[2])
