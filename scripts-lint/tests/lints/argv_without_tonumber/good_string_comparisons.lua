--! keys: versions, index
--! args: version, floor_name, member
-- Comparing `ARGV` with a string made in the script is meant to be alphabetical:
-- version labels, names, lexicographic ranges.
local version = ARGV[1]
if version < '7.2' then
  return redis.error_reply('ERR the server needs 7.2 or later')
end

local floor_name = string.lower(ARGV[2])
local function in_range(name)
  return name >= floor_name and name <= 'zzzz'
end

if not in_range(ARGV[3]) then
  return 0
end
if ARGV[3] >= string.sub(floor_name, 1, 1) then
  redis.call('ZADD', KEYS[2], 0, ARGV[3])
end
redis.call('SET', KEYS[1], version)
return 1
