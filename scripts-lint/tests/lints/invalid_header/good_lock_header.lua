--! keys: lock  args: owner, ttl:integer  returns: integer
--! min_version: 7.0
--! allow: dynamic_command
-- Takes a lock for an owner with a time to live, or extends it when the owner
-- already holds it; the header declares the key, both arguments and the reply.
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
