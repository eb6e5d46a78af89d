--! keys: jobs(prefix), queue, scores
--! args: id
-- One `nil` comparison per kind of reply: a count, a status, an error table under
-- `pcall`, an array, a double, a `false` from `SET ... NX`. None is ever `nil`; only
-- those that may be a null reply (`false`) are reported: for the others the test is
-- redundant, never wrong.
local rcall = redis.call
local job_key = KEYS[1] .. ARGV[1]

local function claim(key)
  return rcall('SET', key .. ':lock', ARGV[1], 'NX', 'PX', 30000)
end

-- cell: integer reply (never null: not reported)
if rcall('EXISTS', job_key) == nil then
  return 0
end
-- cell: status reply (`TYPE` of a missing key is `none`, never null: not reported)
if rcall('TYPE', KEYS[2]) == nil then
  return 0
end
-- cell: error table under `pcall` (not reported)
local pushed = redis.pcall('LPUSH', KEYS[2], ARGV[1])
if pushed == nil then
  return 0
end
-- cell: flat array (not reported)
local waiting = rcall('LRANGE', KEYS[2], 0, -1)
if waiting == nil then
  return 0
end
-- cell: a double as a string
if rcall('ZSCORE', KEYS[3], ARGV[1]) ~= nil then
  return 1
end
-- cell: `false` alone, from a helper
if claim(job_key) == nil then
  return 0
end
return #waiting
