--! keys: sessions
--! args: token, ttl:i32, now:f64
-- Refreshes a session. The last statement starts with `(` to pick the command at
-- run time; Lua 5.1 reads the line before and this one as one call and refuses the
-- ambiguity: a `;` at the end of the line before would end that statement.
local rcall = redis.call
local token = ARGV[1]
local ttl = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if not ttl or not now then
  return redis.error_reply('ERR ttl and now must be numbers')
end

local key = KEYS[1]
local seen = rcall('HGET', key, token)
if not seen then
  return 0
end

local idle = now - tonumber(seen)
local expired = idle > ttl * 1000
rcall('HSET', key, token, now)
(expired and rcall or redis.pcall)('HDEL', key, token)
return expired and -1 or 1
