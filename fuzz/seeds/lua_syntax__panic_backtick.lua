--! keys: user
-- a template string from another language: full_moon's lexer used to hit unreachable!()
local key = `user:${KEYS[1]}`
return redis.call('GET', key) -- a `backtick` in a comment is fine, and in '`strings`' too
