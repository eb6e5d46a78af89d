--! keys: source, copy
-- cell: a field of `GET` is `false` when the key is missing, which Redis refuses as
-- a command argument
local saved = {}
saved.value = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[2], saved.value)
return 1
