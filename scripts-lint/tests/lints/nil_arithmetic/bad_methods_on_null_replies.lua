--! keys: profile(prefix)
--! args: id
-- String methods called on a reply that is `false` when the key or field is
-- missing: `v:upper()` raises as `string.upper(v)` does.
local rcall = redis.call
local profile_key = KEYS[1] .. ARGV[1]

local function field(name)
  return rcall('HGET', profile_key, name)
end

-- cell: bulk string or `false`, a method called on it
local name = rcall('GET', profile_key .. ':name')
local shout = name:upper()

-- cell: through a helper, with arguments
local email = field('email')
local domain = email:sub(email:find('@') or 1)

-- cell: an element of `MGET` that may be `false`
local pair = rcall('MGET', profile_key .. ':a', profile_key .. ':b')
local a = pair[1]:lower()

return {shout, domain, a}
