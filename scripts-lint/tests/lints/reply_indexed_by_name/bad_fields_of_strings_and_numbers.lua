--! keys: user(prefix), sessions(prefix)
--! args: id
-- Fields read by name from replies that have none: a JSON string from `GET` read
-- before decoding it, a count from `INCR`, an element of `MGET`.
local rcall = redis.call
local user_key = KEYS[1] .. ':' .. ARGV[1]

local function fetch_profile(key)
  return rcall('GET', key)
end

local function bump(key)
  return rcall('INCR', key)
end

-- cell: bulk string reply, indexed by name (always nil)
local profile = fetch_profile(user_key)
if not profile then
  return redis.error_reply('NO_USER')
end
local name = profile.name

-- cell: integer reply, indexed by name (raises)
local logins = bump(user_key .. ':logins')
local total = logins.value

-- cell: element of `MGET`, indexed by name
local sessions = rcall('MGET', KEYS[2] .. ':1', KEYS[2] .. ':2')
local started = sessions[1].started

-- cell: a double as a string, indexed by name
local score = rcall('ZSCORE', KEYS[2], ARGV[1]).value

return {name, total, started, score}
