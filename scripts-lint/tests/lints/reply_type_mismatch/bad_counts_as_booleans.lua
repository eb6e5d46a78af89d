--! keys: members, seen, stats(prefix)
--! args: member, ttl:i64, limit:i64
-- A membership and rate check written as if Redis replied `true`/`false`: every
-- count (`EXISTS`, `SISMEMBER`, `HSETNX`, `EXPIRE`) is a number, and `0` is true in
-- Lua, so each test below is always true.
local rcall = redis.call
local prefix = KEYS[3] .. ':'

local function is_member(key, member)
  return rcall('SISMEMBER', key, member)
end

local function touch(key, ttl)
  return redis.pcall('EXPIRE', key, ttl)
end

local function counter(name)
  return prefix .. name
end

-- cell: integer reply, truth test (through a helper)
if not is_member(KEYS[1], ARGV[1]) then
  return redis.error_reply('NOT_MEMBER')
end

-- cell: integer reply, truth test (directly, through an alias)
if rcall('EXISTS', KEYS[2]) then
  return 0
end

-- cell: integer reply under `pcall`, truth test (`pcall` returns no `false`)
if not touch(KEYS[2], ARGV[2]) then
  return redis.error_reply('EXPIRE_FAILED')
end

-- cell: integer reply, truth test after `and`
local first = rcall('HSETNX', KEYS[2], ARGV[1], 1)
if ARGV[3] ~= '' and first then
  rcall('HINCRBY', counter('first'), ARGV[1], 1)
end

-- cell: integer reply, `==` with a string literal
local hits = rcall('INCR', counter('hits'))
if hits == '1' then
  rcall('EXPIRE', counter('hits'), ARGV[2])
end

-- cell: integer reply, `~=` with a string reply
local size = rcall('SCARD', KEYS[1])
if size ~= rcall('HGET', KEYS[3], 'size') then
  rcall('HSET', KEYS[3], 'size', size)
end

-- cell: integer reply, `#`
local removed = rcall('SREM', KEYS[1], ARGV[1])
if #removed > 0 then
  return 1
end

if hits > tonumber(ARGV[3]) then
  return -1
end
return 0
