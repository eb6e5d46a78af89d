--! keys: config, cache(prefix)
--! args: field
-- Elements of `HMGET` and `MGET` are strings or `false`, never `nil`, however the
-- script reaches them: directly, through a helper that returns one, or through a
-- local holding the element.
local rcall = redis.call
local prefix = KEYS[2] .. ':'

local function settings(key)
  return rcall('HMGET', key, 'limit', 'window', ARGV[1])
end

local function first_of(values)
  return values[1]
end

-- cell: element of `HMGET`, `== nil`
local config = settings(KEYS[1])
if config[2] == nil then
  return redis.error_reply('NO_WINDOW')
end

-- cell: element of `HMGET` forwarded through a helper, `== nil`
if first_of(config) == nil then
  return redis.error_reply('NO_LIMIT')
end

-- cell: element of `MGET` held in a local, `~= nil`
local cached = rcall('MGET', prefix .. 'a', prefix .. 'b')
local a = cached[1]
if a ~= nil then
  return a
end
return 0
