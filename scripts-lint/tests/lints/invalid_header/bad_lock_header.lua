--! keys: lock token
--! args: owner, ttl:integr
--! return: integer
--! allow: dynamic_comand, lua_syntax
-- Takes a lock for an owner with a time to live; the header above has four
-- mistakes: two keys without a comma, a misspelt type, a misspelt directive and
-- a misspelt lint, besides a lint that cannot be allowed.
local lock = KEYS[1]
local owner = ARGV[1]
local ttl = tonumber(ARGV[2])

local function holder()
    return redis.call('GET', lock)
end

local current = holder()
if current == owner then
    redis.call('PEXPIRE', lock, ttl)
    return 1
end
if current then
    return 0
end
redis.call('SET', lock, owner, 'PX', ttl)
return 1
