--! keys: lock(prefix)
--! args: owner
-- A count on the left of `and` where the value is used: `and` always gives its
-- right side, since `0` is true in Lua.
local rcall = redis.call
local lock_key = KEYS[1] .. ARGV[1]

local function held(key)
  return rcall('EXISTS', key)
end

-- cell: integer reply, truth tested by `x and a or b` (always `a`)
local flag = rcall('EXISTS', lock_key) and 1 or 0

-- cell: through a helper and a local
local present = held(lock_key)
local state = present and 'held' or 'free'

-- cell: `and true`, the value kept in a local
local member = rcall('SISMEMBER', lock_key .. ':owners', ARGV[1]) and true

return {flag, state, tostring(member)}
