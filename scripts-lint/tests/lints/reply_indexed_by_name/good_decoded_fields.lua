--! keys: user(prefix), sessions(prefix)
--! args: id
-- A JSON value read by name after `cjson.decode`, strings through their methods,
-- counts used as numbers.
local rcall = redis.call
local user_key = KEYS[1] .. ':' .. ARGV[1]

local function fetch_profile(key)
  local raw = rcall('GET', key)
  if not raw then
    return nil
  end
  return cjson.decode(raw)
end

local profile = fetch_profile(user_key)
if not profile then
  return redis.error_reply('NO_USER')
end
local logins = rcall('INCR', user_key .. ':logins')
local sessions = rcall('MGET', KEYS[2] .. ':1', KEYS[2] .. ':2')
local first = sessions[1]
local started = ''
if first then
  started = cjson.decode(first).started or first:sub(1, 10)
end
return {profile.name, logins + 1, started}
