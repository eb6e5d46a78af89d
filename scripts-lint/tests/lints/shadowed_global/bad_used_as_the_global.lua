--! keys: items
--! args: kind, next_cursor
-- Shadowing is legal Lua; using the local as the global it hides is the bug.
local type = ARGV[1]            -- a warning: it only holds a value so far
local next = ARGV[2]            -- a warning, never used as the global
local table = 'jobs'

local function describe(value)
  if type(value) == 'table' then  -- error: calls the string in `type`
    return 'table'
  end
  local parts = {}
  table.insert(parts, value)      -- error: `table` is a string here
  return parts
end

redis.call('HSET', KEYS[1], 'kind', type, 'cursor', next)
return describe(redis.call('HGETALL', KEYS[1]))
